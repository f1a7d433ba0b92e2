/* The cost model's choice (profile.c): the executor of each class. */
#ifndef BC_PROFILE_H
#define BC_PROFILE_H

#include "hidden.h"

/* The executor settings: BC_LEVEL, BC_EXECUTOR, and BC_PROFILE's profile
 * loaded into cfg.exec (said on stderr if refused); the XDG default's
 * directory is only noted, into cfg.profile_later.  Called at start. */
hidden void __bc_profile_start(void);
/* Load the default profile found at start, silently (a refusal shows as
 * "profile":null in the report).  From the report. */
hidden void __bc_profile_later(void);
/* The same while the program runs, lock held: when the engine arms, or
 * first asks whether a call other than a write can pay.  None in a
 * process with threads: the engine's open must not take an fd number
 * from another thread's open. */
hidden void __bc_profile_now(void);
/* Name of an enum bc_exec_kind. */
hidden const char *__bc_executor_name(int ex);
/* Name of a deferrable class (enum bc_pred) in profiles and reports. */
hidden const char *__bc_class_name(int pred);

#endif
