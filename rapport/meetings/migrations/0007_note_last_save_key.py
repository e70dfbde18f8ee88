from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0006_org_view_windows"),
    ]

    operations = [
        migrations.AddField(
            model_name="note",
            name="last_save_key",
            field=models.CharField(blank=True, db_default="", default="", max_length=64),
        ),
    ]
