/*
 * Descriptor tables, exception handling, and the "try an instruction"
 * mechanism: an instruction that may fault is listed in the exception
 * table; if it faults while this CPU has a try armed, the handler records
 * the vector and error code and resumes after it.
 */
#ifndef HV_DESC_H
#define HV_DESC_H

#include <stdint.h>
#include "percpu.h"
#include "processor.h"
#include "result.h"

#define KERNEL_CS	0x08
#define KERNEL_DS	0x10
#define KERNEL_CS32	0x18
#define USER_DS		0x23
#define USER_CS		0x2b
#define TSS_SEL(cpu)	(0x30 + 16 * (cpu))

#define USER_RETURN_VECTOR	0x80	/* int $0x80 from CPL 3 ends run_in_user() */

struct ex_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};

/* Install this CPU's GDT entry, TSS and the IDT (boot CPU also builds them). */
void desc_setup_bsp(void);
void desc_setup_ap(void);
/* The IDTR the runtime loads on every CPU (base of its 256-gate IDT, limit). */
struct descriptor_table_ptr desc_runtime_idtr(void);

/*
 * Write a present 64-bit interrupt gate (selector KERNEL_CS) for handler at
 * `vector` of an IDT laid out as the runtime's (16 bytes per vector), e.g.
 * a guest's own IDT.
 */
#define IDT_GATE_SIZE	16
void idt_set_gate(void *idt, unsigned vector, const void *handler, unsigned dpl, unsigned ist);

/*
 * The one descriptor decoder: the segment a selector names in the live GDT
 * (SDM Vol. 3A, 3.4.5 "Segment Descriptors" and 7.2.3 "TSS Descriptor in
 * 64-bit mode"; APM Vol. 2, 4.7 "Legacy Segment Descriptors" and 4.8
 * "Long-Mode Segment Descriptors").  limit is in bytes (G applied); attr
 * holds the 12 attribute bits as VMX and SVM both keep them: descriptor
 * bits 47:40 (type, S, DPL, P) in attr[7:0] and bits 55:52 (AVL, L, D/B,
 * G) in attr[11:8].  A system descriptor (S=0: TSS, LDT) is 16 bytes, its
 * base bits 63:32 in the second half.  The null selector gives all zeros.
 */
struct segment {
	uint64_t base;
	uint32_t limit;
	uint16_t attr;
};
#define SEG_ATTR_S	(1u << 4)	/* descriptor bit 44: code or data */
#define SEG_ATTR_G	(1u << 11)	/* descriptor bit 55: granularity */
struct segment desc_decode(uint16_t selector);

/* Interrupt handlers for vectors >= 32; EOI is the handler's business. */
typedef void (*irq_handler_t)(struct ex_regs *regs);
void set_irq_handler(unsigned vector, irq_handler_t fn);

/* An exception-table entry: a fault at [from, to] resumes at `to`. */
#define HV_EXTABLE(from, to) \
	".pushsection .hv_extable, \"a\"\n\t.balign 8\n\t.quad " from ", " to "\n\t.popsection\n\t"

/*
 * The one way to try an instruction: HV_TRY("insn operands", outputs,
 * inputs, clobbers) runs the instruction (or a sequence: a fault anywhere
 * in it resumes after its end) as an asm statement whose operand lists are
 * the macro's other arguments, each starting with its colon, e.g.
 *     r = HV_TRY("rdmsr", : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
 * and gives what it did as a struct hv_result: success, or the exception
 * with its error code.  The VMX and SVM instruction wrappers are built on it.
 */
#define HV_TRY(insn, ...) ({							\
	hv_try_arm();								\
	asm volatile("1: " insn "\n2:\n" HV_EXTABLE("1b", "2b") __VA_ARGS__);	\
	hv_try_result();							\
})

static inline void hv_try_arm(void)
{
	struct percpu *c = this_cpu();
	c->try_result = HV_RESULT_OK;
	c->try_armed = true;
	asm volatile("" ::: "memory");
}
static inline struct hv_result hv_try_result(void)
{
	struct percpu *c = this_cpu();
	asm volatile("" ::: "memory");
	c->try_armed = false;
	return c->try_result;
}

/* Safe forms built on the try mechanism. */
struct hv_result rdmsr_safe(uint32_t msr, uint64_t *val);
struct hv_result wrmsr_safe(uint32_t msr, uint64_t val);
struct hv_result write_cr0_safe(uint64_t val);
struct hv_result write_cr4_safe(uint64_t val);
struct hv_result xsetbv_safe(uint32_t index, uint64_t val);
/* Read one byte / write one byte at an address. */
struct hv_result read_byte_safe(const volatile void *p, uint8_t *val);
struct hv_result write_byte_safe(volatile void *p, uint8_t val);

/*
 * Run fn(arg) at CPL 3 on this CPU, with a stack of its own; returns when
 * fn returns.  Code under test inside fn uses the try mechanism as usual.
 */
void run_in_user(void (*fn)(void *arg), void *arg);

/* A frame-pointer backtrace from this point or from an exception frame. */
void print_backtrace_from(uint64_t rip, uint64_t rbp);

#endif
