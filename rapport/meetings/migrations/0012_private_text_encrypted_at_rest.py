import rapport.crypto.fields
from rapport.crypto.migrating import seal_existing
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('crypto', '0001_data_keys'),
        ('meetings', '0011_growth_rhythm_and_growth_meetings'),
    ]

    operations = [
        migrations.AlterField(
            model_name='note',
            name='body',
            field=rapport.crypto.fields.EncryptedTextField(blank=True, max_length=100000),
        ),
        migrations.AlterField(
            model_name='noteconflictcopy',
            name='body',
            field=rapport.crypto.fields.EncryptedTextField(blank=True, max_length=100000),
        ),
        migrations.AlterField(
            model_name='personcard',
            name='motivators',
            field=rapport.crypto.fields.EncryptedTextField(blank=True, max_length=5000),
        ),
        migrations.AlterField(
            model_name='personcard',
            name='outside_work',
            field=rapport.crypto.fields.EncryptedTextField(blank=True, max_length=5000),
        ),
        migrations.AlterField(
            model_name='personcard',
            name='recognition',
            field=rapport.crypto.fields.EncryptedTextField(blank=True, max_length=5000),
        ),
        migrations.AlterField(
            model_name='personcard',
            name='struggles',
            field=rapport.crypto.fields.EncryptedTextField(blank=True, max_length=5000),
        ),
        migrations.AlterField(
            model_name='personcard',
            name='working_style',
            field=rapport.crypto.fields.EncryptedTextField(blank=True, max_length=5000),
        ),
        migrations.AlterField(
            model_name='talkingpoint',
            name='text',
            field=rapport.crypto.fields.EncryptedCharField(max_length=500),
        ),
        # The rows already there are sealed now (legacy plaintext is read as it is until then).
        migrations.RunPython(*seal_existing('meetings', 'talkingpoint', ('text',))),
        migrations.RunPython(*seal_existing('meetings', 'note', ('body',))),
        migrations.RunPython(*seal_existing('meetings', 'noteconflictcopy', ('body',))),
        migrations.RunPython(*seal_existing('meetings', 'personcard', ('motivators', 'struggles', 'outside_work', 'working_style', 'recognition'))),
    ]
