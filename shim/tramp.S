/* Entry stubs of the opaque libc functions (opaque.h), the timer thread's
 * start, and the signal return.  A stub keeps every argument register,
 * %al (vector arguments of a variadic call) included, and ends by jumping
 * to libc's own function, so that no frame of it remains. */
#include "opaque.h"

	.text

/* Stub N of function name: its index in __bc_real. */
.macro STUB name, index
	.globl \name
	.type \name, @function
\name:
	movl $\index, %r11d
	jmp __bc_opaque_entry
	.size \name, . - \name
.endm

#define STUB_OF(name, kind) STUB name, (__COUNTER__);
BC_OPAQUE(STUB_OF)

/* r11: the index.  Fast path: libc's function is known, nothing is
 * pending, the kind needs nothing else (kind byte 0), and this is not the
 * call that ends __bc_opaque_left's count (which stops at 0). */
	.type __bc_opaque_entry, @function
__bc_opaque_entry:
	push %rax
	lea __bc_real(%rip), %rax
	mov (%rax,%r11,8), %r10
	test %r10, %r10
	jz 1f
	cmpl $0, __bc_e(%rip)              /* __bc_e.busy */
	jne 1f
	lea __bc_opaque_kind(%rip), %rax
	cmpb $0, (%rax,%r11)
	jne 1f
	cmpl $0, __bc_opaque_left(%rip)
	je 2f
	decl __bc_opaque_left(%rip)
	jz 1f
2:	pop %rax
	jmp *%r10
1:	pop %rax
	push %rbp
	mov %rsp, %rbp
	push %rdi
	push %rsi
	push %rdx
	push %rcx
	push %r8
	push %r9
	push %rax
	push %r11
	sub $128, %rsp
	movdqu %xmm0, 0(%rsp)
	movdqu %xmm1, 16(%rsp)
	movdqu %xmm2, 32(%rsp)
	movdqu %xmm3, 48(%rsp)
	movdqu %xmm4, 64(%rsp)
	movdqu %xmm5, 80(%rsp)
	movdqu %xmm6, 96(%rsp)
	movdqu %xmm7, 112(%rsp)
	mov %r11, %rdi
	mov %rdx, %rsi                      /* clone's flags, for its kind */
	call __bc_opaque_slow
	mov %rax, %r10
	movdqu 0(%rsp), %xmm0
	movdqu 16(%rsp), %xmm1
	movdqu 32(%rsp), %xmm2
	movdqu 48(%rsp), %xmm3
	movdqu 64(%rsp), %xmm4
	movdqu 80(%rsp), %xmm5
	movdqu 96(%rsp), %xmm6
	movdqu 112(%rsp), %xmm7
	add $128, %rsp
	pop %r11
	pop %rax
	pop %r9
	pop %r8
	pop %rcx
	pop %rdx
	pop %rsi
	pop %rdi
	pop %rbp
	jmp *%r10
	.size __bc_opaque_entry, . - __bc_opaque_entry
	.section .note.GNU-stack, "", @progbits
