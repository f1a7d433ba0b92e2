/* The net's trap (trap.c): a call the net blocked, made afresh once
 * what is pending is settled. */
#ifndef BC_TRAP_H
#define BC_TRAP_H

#include "hidden.h"

/* SIGSYS from the net: handled (1), or another SIGSYS (0). */
hidden int __bc_sud_trap(const void *si, void *uc);

#endif
