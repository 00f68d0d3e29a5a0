/* Guest stubs (stubs.h): one instruction, a label after it, RET. */
#define STUB(name, insn...)	\
	.globl name, name##_end;	\
name:	insn;			\
name##_end:			\
	ret

	.text
STUB(g_inb, inb %dx, %al)
STUB(g_inw, inw %dx, %ax)
STUB(g_inl, inl %dx, %eax)
STUB(g_outb, outb %al, %dx)
STUB(g_outw, outw %ax, %dx)
STUB(g_outl, outl %eax, %dx)
STUB(g_rdmsr, rdmsr)
STUB(g_wrmsr, wrmsr)
STUB(g_cpuid, cpuid)
STUB(g_hlt, hlt)
STUB(g_vmmcall, vmmcall)
STUB(g_ud2, ud2)
STUB(g_mov_rbx_cr3, mov %rbx, %cr3)
