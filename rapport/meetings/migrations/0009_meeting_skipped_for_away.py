import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0008_pair_video_link_calendar_sequence'),
        ('people', '0005_person_working_hours_days_away'),
    ]

    operations = [
        migrations.AddField(
            model_name='meeting',
            name='skipped_for_away',
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name='skipped_meetings',
                to='people.dayaway',
            ),
        ),
    ]
