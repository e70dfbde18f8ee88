import rapport.crypto.fields
from rapport.crypto.migrating import seal_existing
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('crypto', '0001_data_keys'),
        ('goals', '0002_obstacle_kinds_and_coaching_conversations'),
    ]

    operations = [
        migrations.AlterField(
            model_name='coachingconversation',
            name='private_note',
            field=rapport.crypto.fields.EncryptedTextField(blank=True, max_length=4000),
        ),
        # The rows already there are sealed now (legacy plaintext is read as it is until then).
        migrations.RunPython(*seal_existing('goals', 'coachingconversation', ('private_note',))),
    ]
