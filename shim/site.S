/* The way from a rewritten glibc site's stub (rewrite.c) into the engine.
 * The stub has moved %rsp 128 bytes down, below the red zone, and called
 * here with the number in %eax.  Everything a syscall keeps is kept:
 * every register but %rax, %rcx and %r11, and the flags.  The C it
 * reaches is compiled with -mgeneral-regs-only (build.ninja), so vector
 * and x87 state are never touched and need no saving. */

/* Unwind information: this frame's caller is described as the site's
 * own function, at the instruction after the site, so that a debugger's
 * backtrace or an unwinder (pthread_cancel) goes on from there; the stubs
 * have none.  The return address R into the stub is at BREG+OFF; the
 * stub's last instruction is `jmp rel32` with its rel32 at R+9 and its end
 * at R+13: the site's return is R + 13 + (int32)*(R+9), the rel32 taken
 * as the top half of the 8 bytes at R+5, sign-extended as
 * ((v + 2^31) & (2^32 - 1)) - 2^31.  R is loaded twice: valgrind's reader
 * knows none of DW_OP_dup, DW_OP_deref_size, DW_OP_shra and DW_OP_xor. */
#define SITE_RETURN(breg, off) .cfi_escape 0x16, 0x10, 0x21, breg, off, \
	0x06, 0x23, 0x05, 0x06, 0x08, 0x20, 0x25, 0x23, 0x80, 0x80, 0x80, 0x80, 0x08, \
	0x0c, 0xff, 0xff, 0xff, 0xff, 0x1a, 0x0c, 0x00, 0x00, 0x00, 0x80, 0x1c, \
	breg, off, 0x06, 0x22, 0x23, 0x0d
#define RSP 0x77
#define RBP 0x76

	.text
	.globl __bc_site_entry
	.hidden __bc_site_entry
	.type __bc_site_entry, @function
__bc_site_entry:
	.cfi_startproc
	/* The site's %rsp: the return address, 128 bytes, above. */
	.cfi_def_cfa %rsp, 136
	SITE_RETURN(RSP, 0)
	pushfq
	.cfi_def_cfa %rsp, 144
	SITE_RETURN(RSP, 8)
	push %rbp
	.cfi_def_cfa %rsp, 152
	.cfi_offset %rbp, -152
	SITE_RETURN(RSP, 16)
	mov %rsp, %rbp
	.cfi_def_cfa %rbp, 152
	SITE_RETURN(RBP, 16)
	and $-16, %rsp
	/* The arguments, a[0..5] upwards; 48 bytes keep the alignment. */
	push %r9
	push %r8
	push %r10
	push %rdx
	push %rsi
	push %rdi
	cld
	mov %eax, %edi
	mov %rsp, %rsi
	call __bc_site_call
	pop %rdi
	pop %rsi
	pop %rdx
	pop %r10
	pop %r8
	pop %r9
	mov %rbp, %rsp
	.cfi_def_cfa %rsp, 152
	SITE_RETURN(RSP, 16)
	pop %rbp
	.cfi_def_cfa %rsp, 144
	.cfi_restore %rbp
	SITE_RETURN(RSP, 8)
	popfq
	.cfi_def_cfa %rsp, 136
	SITE_RETURN(RSP, 0)
	ret
	.cfi_endproc
	.size __bc_site_entry, . - __bc_site_entry
	.section .note.GNU-stack, "", @progbits
