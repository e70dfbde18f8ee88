import rapport.crypto.fields
from rapport.crypto.migrating import seal_existing
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('crypto', '0001_data_keys'),
        ('people', '0010_second_factor_and_recovery_codes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='workingprofile',
            name='feedback',
            field=rapport.crypto.fields.EncryptedTextField(blank=True, max_length=2000),
        ),
        migrations.AlterField(
            model_name='workingprofile',
            name='growth',
            field=rapport.crypto.fields.EncryptedTextField(blank=True, max_length=2000),
        ),
        migrations.AlterField(
            model_name='workingprofile',
            name='how_i_work',
            field=rapport.crypto.fields.EncryptedTextField(blank=True, max_length=2000),
        ),
        migrations.AlterField(
            model_name='workingprofile',
            name='outside_work',
            field=rapport.crypto.fields.EncryptedTextField(blank=True, max_length=2000),
        ),
        migrations.AlterField(
            model_name='workingprofile',
            name='recognition',
            field=rapport.crypto.fields.EncryptedTextField(blank=True, max_length=2000),
        ),
        # The rows already there are sealed now (legacy plaintext is read as it is until then).
        migrations.RunPython(*seal_existing('people', 'workingprofile', ('how_i_work', 'feedback', 'recognition', 'growth', 'outside_work'))),
    ]
