#!/bin/sh
# Run once by the `minio-init` service of docker-compose.scale.yml (idempotent).
# Creates the private, versioned bucket and the portal's key, allowed on that bucket only.
set -eu
mc alias set local http://minio:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null
mc mb --ignore-existing "local/$S3_BUCKET"
mc anonymous set none "local/$S3_BUCKET"
mc version enable "local/$S3_BUCKET"
cat > /tmp/portal-policy.json <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["s3:GetBucketLocation", "s3:ListBucket"],
     "Resource": ["arn:aws:s3:::$S3_BUCKET"]},
    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
     "Resource": ["arn:aws:s3:::$S3_BUCKET/*"]}
  ]
}
POLICY
mc admin policy create local portal-files /tmp/portal-policy.json
if ! mc admin user info local "$S3_ACCESS_KEY_ID" >/dev/null 2>&1; then
  mc admin user add local "$S3_ACCESS_KEY_ID" "$S3_SECRET_ACCESS_KEY"
fi
mc admin policy attach local portal-files --user "$S3_ACCESS_KEY_ID" 2>/dev/null || true
echo "Bucket $S3_BUCKET ready for $S3_ACCESS_KEY_ID."
