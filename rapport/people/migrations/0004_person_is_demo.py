from django.db import migrations, models

# Databases built by `rapport demo` or `rapport synth` before the marker existed: their accounts
# are the only ones at these reserved .example domains (RFC 2606: no real mailbox is there).
GENERATED_DOMAINS = ("@demo.rapport.example", "@synth.rapport.example")


def mark_generated_accounts(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    for domain in GENERATED_DOMAINS:
        Person.objects.filter(email__iendswith=domain).update(is_demo=True)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_password_reset_requests"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="is_demo",
            field=models.BooleanField(db_default=False, default=False, editable=False),
        ),
        migrations.RunPython(mark_generated_accounts, migrations.RunPython.noop),
    ]
