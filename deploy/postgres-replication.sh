#!/bin/sh
# Runs once, when the primary's data directory is created: lets a streaming replica (the
# db-replica service of the scale profile) connect with the database password.
set -e
echo "host replication all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
