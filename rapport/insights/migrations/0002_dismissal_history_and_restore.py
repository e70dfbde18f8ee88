# The history of dismissed signals: what the signal said, and its undo (restored_at).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('insights', '0001_signal_dismissals'),
        ('meetings', '0010_video_link_is_a_secure_link'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='signaldismissal',
            name='one_dismissal_per_occurrence',
        ),
        migrations.AddField(
            model_name='signaldismissal',
            name='evidence',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='signaldismissal',
            name='restored_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='signaldismissal',
            name='restored_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='signaldismissal',
            name='title',
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AlterField(
            model_name='signaldismissal',
            name='rule',
            field=models.CharField(choices=[('lapsed_cadence', '1:1s have lapsed'), ('mood_falling', 'Mood is falling'), ('workload_high', 'Workload high (burnout risk)'), ('goal_stalled', 'A goal has stalled'), ('no_active_goal', 'No active goal'), ('overdue_actions', 'Actions overdue'), ('connection_squeezed', 'Connection time squeezed out'), ('checkins_skipped', 'Check-ins skipped'), ('risk_of_leaving', 'Risk of leaving')], max_length=32),
        ),
        migrations.AddConstraint(
            model_name='signaldismissal',
            constraint=models.UniqueConstraint(condition=models.Q(('restored_at__isnull', True)), fields=('one_on_one', 'rule', 'since'), name='one_dismissal_per_occurrence'),
        ),
        migrations.AddConstraint(
            model_name='signaldismissal',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('restored_at__isnull', True), ('restored_by__isnull', True)), models.Q(('restored_at__isnull', False), ('restored_by__isnull', False)), _connector='OR'), name='dismissal_restored_by_someone'),
        ),
    ]
