package schema

// VersionTable is the table that records the migrations that ran.
const VersionTable = "gomikro_migrations"

// ChecksumTable records a checksum of every applied migration's source,
// so that an applied migration edited or removed afterwards is reported.
const ChecksumTable = "gomikro_migration_checksums"
