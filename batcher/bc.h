/* bc: the bcshim bytecode ABI and its public C API.  docs/abi.md is the
 * specification; this header is its C rendering.  x86_64 Linux only. */
#ifndef BC_H
#define BC_H

#include <stddef.h>
#include <stdint.h>

#include "bc_ops.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BC_MAGIC      0x47504342u /* "BCPG" in memory order */
#define BC_VERSION    1
#define BC_PAGE_SIZE  4096
#define BC_HDR_SIZE   64
#define BC_CODE_MAX   1984        /* code plus data bytes */
#define BC_NREGS      256
#define BC_WIN_SIZE   8           /* a call's window: result, 6 args, spare */
#define BC_WIN_MAX    (BC_NREGS - BC_WIN_SIZE)
#define BC_NR_LIMIT   512         /* x86_64 syscall numbers are below it (x32's
				     and unassigned ones above): sys NR, the
				     engine's tables */

/* Page layout: header at 0, code area at 64, registers at 2048.  A binary
 * program (a .bc file) is the header plus code_len + data_len code bytes. */
struct bc_page {
	uint32_t magic;            /* BC_MAGIC */
	uint16_t version;          /* BC_VERSION */
	uint16_t code_len;         /* bytes of instructions */
	uint16_t data_len;         /* bytes of data after the instructions */
	uint16_t status;           /* out: enum bc_status */
	uint16_t stop_pc;          /* out: where execution ended */
	uint16_t win;              /* out: window base when execution ended */
	int64_t  error;            /* out: the result that stopped the program */
	uint32_t calls;            /* out: calls issued by the last run */
	uint8_t  reserved[36];     /* must be zero */
	uint8_t  code[BC_CODE_MAX];
	uint64_t reg[BC_NREGS];
};

enum bc_status {
	BC_ST_READY,   /* built or loaded, not run */
	BC_ST_DONE,    /* ran off the end or reached stop */
	BC_ST_FAULT,   /* a call failed and the next instruction did not test it */
	BC_ST_INVALID, /* rejected by the verifier (stop_pc: the diagnostic's
			  offset), or stopped by the interpreter's own checks
			  on a page changed since (stop_pc: that pc) */
};

enum bc_op {
#define BC_ENUM(name, code, shape, nr, nargs) BC_OP_##name = code,
	BC_OPCODES(BC_ENUM)
#undef BC_ENUM
};

enum bc_shape {
#define BC_SHAPE_ENUM(shape, len, k0, k1, k2) BC_SHAPE_##shape,
	BC_SHAPES(BC_SHAPE_ENUM)
#undef BC_SHAPE_ENUM
};

/* Operand kinds, in encoding order within an instruction. */
enum bc_kind {
	BC_K_NONE,
	BC_K_REG,   /* u8 register index */
	BC_K_WIN,   /* u8 window base */
	BC_K_NR,    /* u16 syscall number */
	BC_K_IMM,   /* i64 immediate */
	BC_K_ADDR,  /* u16 code-area offset of data */
	BC_K_JUMP,  /* u16 absolute target pc */
};

struct bc_opinfo {
	const char *name;   /* mnemonic */
	uint8_t shape;      /* enum bc_shape */
	uint8_t len;        /* encoded length in bytes */
	uint8_t nargs;      /* window arguments a call uses */
	int16_t nr;         /* syscall number of a call op, else -1 */
	uint8_t kind[3];    /* enum bc_kind of each operand */
};

/* One decoded instruction. */
struct bc_insn {
	uint8_t op;
	uint8_t len;
	uint16_t pc;
	uint64_t operand[3];
};

/* Where and why a program was rejected.  offset is a byte offset in the
 * binary program: header fields at 0..63, code byte pc at 64 + pc. */
struct bc_diag {
	unsigned offset;
	unsigned line;      /* source line, for bc_assemble; else 0 */
	char msg[120];
};

/* How a run issues calls: NULL executor means raw syscalls on this thread. */
struct bc_executor {
	long (*call)(void *ctx, long nr, const uint64_t arg[6]); /* issue one call */
	void (*step)(void *ctx, const struct bc_page *p, unsigned pc, unsigned win); /* before each instruction; may be NULL */
	void *ctx;
};

/* Opcode metadata, or NULL for an unknown opcode. */
const struct bc_opinfo *bc_op_info(unsigned op);
/* Opcode by mnemonic, or -1. */
int bc_op_lookup(const char *name, size_t len);
/* Name of an enum bc_status value. */
const char *bc_status_name(unsigned status);

/* Reset a page to an empty program with zeroed registers. */
void bc_page_init(struct bc_page *p);
/* Append one instruction, operands in encoding order; returns its pc,
 * -ENOSPC, -ERANGE (an operand too wide for its field), or -EINVAL
 * (unknown opcode, missing operands, or data already appended). */
int bc_emit(struct bc_page *p, enum bc_op op, const uint64_t *operand);
/* Point the jump at pc to an absolute target; -EINVAL if pc holds no
 * jump or the target is not forward of it or above 65535. */
int bc_patch_jump(struct bc_page *p, unsigned pc, unsigned target);
/* Append data after the code; returns its code-area offset or -ENOSPC. */
int bc_emit_data(struct bc_page *p, const void *data, size_t len);

/* Decode the instruction at pc of code[0..len); its length or -EINVAL. */
int bc_decode(const uint8_t *code, unsigned len, unsigned pc, struct bc_insn *in);
/* Check the header and every instruction; 0 or -EINVAL with d filled. */
int bc_verify(const struct bc_page *p, struct bc_diag *d);
/* The direct executor's call, for executors that only add a step hook. */
long bc_direct_call(void *ctx, long nr, const uint64_t arg[6]);
/* Execute a program that passed bc_verify and has not changed since, as
 * bc_run does after verifying; an unverified page stops as BC_ST_INVALID
 * where it would break the interpreter, with unspecified results. */
int bc_exec(struct bc_page *p, const struct bc_executor *ex);
/* Verify, then execute; returns the final enum bc_status, with stop_pc,
 * error, win and calls set in the page.  A program that rewrites its own
 * code mid-run stops as BC_ST_INVALID rather than break the interpreter. */
int bc_run(struct bc_page *p, const struct bc_executor *ex);

/* Text of one instruction ("mnemonic\toperands", targets as labels)
 * into buf; returns the length it needs, like snprintf, or -EINVAL. */
int bc_format_insn(const struct bc_insn *in, char *buf, size_t n);
/* Canonical assembly text of a verified program; returns the length it
 * needs, like snprintf, or -EINVAL if the program does not verify. */
long bc_disassemble(const struct bc_page *p, char *buf, size_t n);
/* Assemble and verify text into p; 0, -ENOMEM, or -EINVAL with d
 * naming the line. */
int bc_assemble(const char *text, size_t len, struct bc_page *p, struct bc_diag *d);

/* Size of the binary program held in p. */
size_t bc_image_size(const struct bc_page *p);
/* Load a binary program into p (registers zeroed); 0 or -EINVAL with d. */
int bc_image_load(const void *image, size_t n, struct bc_page *p, struct bc_diag *d);

#ifdef __cplusplus
}
#endif
#endif
