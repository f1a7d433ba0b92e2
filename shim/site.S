/* The way from a rewritten glibc site's stub (rewrite.c) into the engine.
 * The stub has moved %rsp below the red zone and called here with the
 * number in %eax.  Everything a syscall keeps is kept: every register but
 * %rax, %rcx and %r11, and the flags.  The C it reaches is compiled with
 * -mgeneral-regs-only (build.ninja), so vector and x87 state are never
 * touched and need no saving. */
	.text
	.globl __bc_site_entry
	.hidden __bc_site_entry
	.type __bc_site_entry, @function
__bc_site_entry:
	.cfi_startproc
	pushfq
	.cfi_adjust_cfa_offset 8
	push %rbp
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %rbp, 0
	mov %rsp, %rbp
	.cfi_def_cfa_register %rbp
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
	.cfi_def_cfa_register %rsp
	pop %rbp
	.cfi_adjust_cfa_offset -8
	.cfi_restore %rbp
	popfq
	.cfi_adjust_cfa_offset -8
	ret
	.cfi_endproc
	.size __bc_site_entry, . - __bc_site_entry
	.section .note.GNU-stack, "", @progbits
