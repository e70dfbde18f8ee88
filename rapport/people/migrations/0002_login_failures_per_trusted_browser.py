from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_people_and_login_failures"),
    ]

    operations = [
        migrations.AddField(
            model_name="loginfailure",
            name="browser",
            field=models.CharField(blank=True, db_default="", default="", max_length=32),
        ),
        migrations.AddIndex(
            model_name="loginfailure",
            index=models.Index(fields=["browser", "at"], name="people_logi_browser_5ac2cd_idx"),
        ),
        migrations.AddIndex(
            model_name="loginfailure",
            index=models.Index(fields=["at"], name="loginfailure_at"),
        ),
    ]
