"""Private content encrypted at rest: envelope encryption with AES-GCM.

One data key per installation (Rapport serves one organisation per installation) encrypts the
private columns (fields.py); it is stored wrapped by the master key from RAPPORT_MASTER_KEY
(envelope.py). Rotation (rotation.py, `rapport rotate-key`) re-wraps the data key under the newest
master key, and may move every row to a new data key. docs/privacy.md#encryption-at-rest."""
