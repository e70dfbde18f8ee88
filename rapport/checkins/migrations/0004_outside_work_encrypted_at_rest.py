import rapport.crypto.fields
from rapport.crypto.migrating import seal_existing
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('crypto', '0001_data_keys'),
        ('checkins', '0003_org_view_windows'),
    ]

    operations = [
        migrations.AlterField(
            model_name='checkin',
            name='outside_work',
            field=rapport.crypto.fields.EncryptedTextField(blank=True, max_length=2000),
        ),
        # The rows already there are sealed now (legacy plaintext is read as it is until then).
        migrations.RunPython(*seal_existing('checkins', 'checkin', ('outside_work',))),
    ]
