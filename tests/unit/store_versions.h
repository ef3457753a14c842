/* store_versions.h: for the unit tests that make an older state store by
 * hand (to see it upgraded): the SQL that takes away what the upgrade
 * steps from version 6 on add (runtime/store_open.c), so that a test
 * names the older version it wants and nothing else. A new upgrade step
 * adds its own undoing here, once. */
#ifndef MIG_TEST_STORE_VERSIONS_H
#define MIG_TEST_STORE_VERSIONS_H

#define STORE_UNDO_FROM_6                                                     \
    "DROP TABLE audit; DROP TABLE audit_head; "     /* 6: audit trail */    \
    "DROP TABLE run_gauges; "                       /* 7: metrics */        \
    "DROP TABLE snapshots; "                        /* 8: snapshots */      \
    "ALTER TABLE journal DROP COLUMN outcome; "     /* 9: http undo */      \
    "DROP TABLE alerts; "                           /* 10: alerts */        \
    "DROP TABLE journal_undone; "                   /* 11: undone marks */  \
    "DROP TABLE baseline_objects; "                 /* 12: drift content */\
    "DROP TABLE value_objects; "                    /* 13: values kept */   \
    "ALTER TABLE steps DROP COLUMN result_refs; "                           \
    "ALTER TABLE journal DROP COLUMN args_refs; "

#endif
