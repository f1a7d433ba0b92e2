/* Opcode metadata generated from the opcode list. */
#include <stddef.h>
#include <sys/syscall.h>

#include "internal.h"

/* Enum constants, because array elements are not constant expressions. */
enum {
#define SHAPE_CONST(shape, len, k0, k1, k2) \
	LEN_##shape = len, K0_##shape = k0, K1_##shape = k1, K2_##shape = k2,
	BC_SHAPES(SHAPE_CONST)
#undef SHAPE_CONST
};

hidden const struct bc_opinfo __bc_opinfo[256] = {
#define INFO(name_, code, shape_, nr_, nargs_) [code] = { \
		.name = #name_, .shape = BC_SHAPE_##shape_, .len = LEN_##shape_, \
		.nargs = nargs_, .nr = nr_, \
		.kind = { K0_##shape_, K1_##shape_, K2_##shape_ } },
	BC_OPCODES(INFO)
#undef INFO
};

/* The list carries numbers, not SYS_ names, so that the header is the ABI. */
#define CHECK_CALL(name, nr) _Static_assert(nr == SYS_##name, "number of " #name);
#define CHECK_LOGIC(name, nr)
#define CHECK_NONE CHECK_LOGIC
#define CHECK_WIN CHECK_LOGIC
#define CHECK_NR CHECK_LOGIC
#define CHECK_RI CHECK_LOGIC
#define CHECK_RA CHECK_LOGIC
#define CHECK_RR CHECK_LOGIC
#define CHECK_J CHECK_LOGIC
#define CHECK_RJ CHECK_LOGIC
#define CHECK_RRJ CHECK_LOGIC
#define CHECK(name, code, shape, nr, nargs) CHECK_##shape(name, nr)
BC_OPCODES(CHECK)

_Static_assert(sizeof(struct bc_page) == BC_PAGE_SIZE, "page size");
_Static_assert(offsetof(struct bc_page, code) == BC_HDR_SIZE, "header size");
_Static_assert(offsetof(struct bc_page, reg) == 2048, "register offset");

const struct bc_opinfo *bc_op_info(unsigned op)
{
	return op < 256 && __bc_opinfo[op].name ? &__bc_opinfo[op] : NULL;
}

int bc_op_lookup(const char *name, size_t len)
{
	for (unsigned op = 0; op < 256; op++) {
		const char *n = __bc_opinfo[op].name;
		if (n && strlen(n) == len && !memcmp(n, name, len))
			return op;
	}
	return -1;
}

const char *bc_status_name(unsigned status)
{
	static const char *const names[] = {
		[BC_ST_READY] = "ready", [BC_ST_DONE] = "done",
		[BC_ST_FAULT] = "fault", [BC_ST_INVALID] = "invalid",
	};
	return status < sizeof names / sizeof *names ? names[status] : "unknown";
}

hidden int __bc_sys_forbidden(unsigned nr)
{
	/* They would return twice into, or never return to, the interpreter's
	 * stack frame: a program cannot express them safely. */
	return nr >= BC_NR_LIMIT || nr == SYS_rt_sigreturn || nr == SYS_clone ||
	       nr == SYS_vfork || nr == SYS_clone3;
}
