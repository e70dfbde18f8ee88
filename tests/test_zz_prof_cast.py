import time
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from tests.cast import build_cast

def test_profile_cast(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with transaction.atomic():
        build_cast(); transaction.set_rollback(True)
    best = 9.0
    for _ in range(15):
        with transaction.atomic():
            t0 = time.process_time()
            with CaptureQueriesContext(connection) as ctx:
                build_cast()
            best = min(best, time.process_time() - t0)
            transaction.set_rollback(True)
    print("\nCAST best cpu ms", round(best * 1000, 1), "queries", len(ctx.captured_queries))
