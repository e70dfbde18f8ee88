import rapport.crypto.fields
from rapport.crypto.migrating import seal_existing
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('crypto', '0001_data_keys'),
        ('insights', '0003_dismissal_rule_growth_overdue'),
    ]

    operations = [
        migrations.AlterField(
            model_name='signaldismissal',
            name='reason',
            field=rapport.crypto.fields.EncryptedCharField(max_length=200),
        ),
        # The rows already there are sealed now (legacy plaintext is read as it is until then).
        migrations.RunPython(*seal_existing('insights', 'signaldismissal', ('reason',))),
    ]
