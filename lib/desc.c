/* GDT, TSS, IDT, exception dispatch, the try mechanism, CPL 3 entry. */
#include "desc.h"
#include "apic.h"
#include "libc.h"
#include "processor.h"
#include "report.h"

#define GDT_ENTRIES	(6 + 2 * MAX_CPUS)

static uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(16))) = {
	0,
	0x00af9b000000ffffull,	/* 0x08 kernel code, 64-bit */
	0x00cf93000000ffffull,	/* 0x10 kernel data */
	0x00cf9b000000ffffull,	/* 0x18 kernel code, 32-bit */
	0x00cff3000000ffffull,	/* 0x20 user data (DPL 3) */
	0x00affb000000ffffull,	/* 0x28 user code, 64-bit (DPL 3) */
};

struct idt_entry {
	uint16_t offset0, selector;
	uint8_t ist, type_attr;
	uint16_t offset1;
	uint32_t offset2, reserved;
} __attribute__((packed));

static struct idt_entry idt[256] __attribute__((aligned(16)));
static irq_handler_t irq_handlers[256];

extern const char isr_stubs[];
extern const uint64_t __extable_start[], __extable_end[];
void handle_exception(struct ex_regs *regs);
void user_enter(void (*fn)(void *), void *arg, uint64_t user_rsp, struct user_context *ctx);
noreturn void user_return(struct user_context *ctx);

void idt_set_gate(void *table, unsigned vector, const void *handler, unsigned dpl, unsigned ist)
{
	uint64_t addr = (uint64_t)handler;

	((struct idt_entry *)table)[vector] = (struct idt_entry){
		.offset0 = (uint16_t)addr, .selector = KERNEL_CS, .ist = (uint8_t)ist,
		.type_attr = (uint8_t)(0x8e | (dpl << 5)),	/* present, 64-bit interrupt gate */
		.offset1 = (uint16_t)(addr >> 16), .offset2 = (uint32_t)(addr >> 32),
	};
}

static void set_idt_entry(unsigned vec, uint8_t dpl, uint8_t ist)
{
	idt_set_gate(idt, vec, isr_stubs + 16 * vec, dpl, ist);
}

struct descriptor_table_ptr desc_runtime_idtr(void)
{
	return (struct descriptor_table_ptr){ sizeof(idt) - 1, (uint64_t)idt };
}

static void load_tables(void)
{
	struct percpu *c = this_cpu();
	struct descriptor_table_ptr gdtr = { sizeof(gdt) - 1, (uint64_t)gdt };
	struct descriptor_table_ptr idtr = desc_runtime_idtr();
	uint64_t tss = (uint64_t)&c->tss;
	unsigned slot = TSS_SEL(c->cpu) / 8;

	c->tss.rsp[0] = c->ring0_stack_top;
	c->tss.ist[0] = c->df_stack_top;
	c->tss.iomap_base = sizeof(c->tss);
	gdt[slot] = (sizeof(c->tss) - 1) | ((tss & 0xffffff) << 16) | (0x89ull << 40) |
		    ((tss >> 24 & 0xff) << 56);
	gdt[slot + 1] = tss >> 32;
	asm volatile("lgdt %0" :: "m"(gdtr));
	asm volatile("lidt %0" :: "m"(idtr));
	asm volatile("pushq %0; pushq $1f; lretq; 1:" :: "i"(KERNEL_CS) : "memory");
	asm volatile("mov %0, %%ds; mov %0, %%es; mov %0, %%ss" :: "r"(KERNEL_DS));
	asm volatile("ltr %w0" :: "r"(TSS_SEL(c->cpu)));
}

void desc_setup_bsp(void)
{
	for (unsigned v = 0; v < 256; v++)
		set_idt_entry(v, v == USER_RETURN_VECTOR ? 3 : 0,
			      v == DF_VECTOR || v == NMI_VECTOR || v == MC_VECTOR ? 1 : 0);
	load_tables();
}

void desc_setup_ap(void)
{
	load_tables();
}

struct segment desc_decode(uint16_t selector)
{
	struct descriptor_table_ptr gdtr;
	struct segment s = { 0, 0, 0 };

	if (!(selector & ~7))
		return s;
	sgdt(&gdtr);
	const uint64_t *d = (const uint64_t *)(gdtr.base + (selector & ~7));
	uint32_t limit = (uint32_t)((d[0] & 0xffff) | ((d[0] >> 32) & 0xf0000));

	s.attr = (uint16_t)(((d[0] >> 40) & 0xff) | ((d[0] >> 44) & 0xf00));
	s.limit = (s.attr & SEG_ATTR_G) ? (limit << 12) | 0xfff : limit;
	s.base = ((d[0] >> 16) & 0xffffff) | (((d[0] >> 56) & 0xff) << 24);
	if (!(s.attr & SEG_ATTR_S))
		s.base |= d[1] << 32;
	return s;
}

void set_irq_handler(unsigned vector, irq_handler_t fn)
{
	irq_handlers[vector] = fn;
}

static bool has_error_code(unsigned vec)
{
	return vec == DF_VECTOR || (vec >= TS_VECTOR && vec <= PF_VECTOR) || vec == AC_VECTOR ||
	       vec == CP_VECTOR || vec == 29 || vec == 30;
}

/* Is rip inside an exception-table entry [from, to]?  Returns the resume address. */
static uint64_t extable_fixup(uint64_t rip)
{
	for (const uint64_t *e = __extable_start; e < __extable_end; e += 2)
		if (rip >= e[0] && rip <= e[1])
			return e[1];
	return 0;
}

void print_backtrace_from(uint64_t rip, uint64_t rbp)
{
	char line[512];
	size_t n = (size_t)snprintf(line, sizeof(line), "BACKTRACE: %#llx", (unsigned long long)rip);

	for (int depth = 0; depth < 16 && rbp && IS_ALIGNED(rbp, 8) && rbp < (1ull << 32); depth++) {
		uint64_t ret = ((uint64_t *)rbp)[1];
		if (!ret)
			break;
		n += (size_t)snprintf(line + n, sizeof(line) - n, " %#llx", (unsigned long long)ret);
		rbp = ((uint64_t *)rbp)[0];
	}
	printf("%s\n", line);
}

static noreturn void unexpected(struct ex_regs *r)
{
	char what[64];
	struct hv_result res = {
		.kind = HV_EXCEPTION, .vector = (uint8_t)r->vector,
		.has_error_code = has_error_code(r->vector), .error_code = (uint32_t)r->error_code,
	};

	report_at((struct report_site){ "unexpected_exception", __FILE__, __LINE__ }, false,
		  "unexpected exception %s at rip=%#llx on cpu%u (cr2=%#llx)",
	       hv_result_str(res, what, sizeof(what)), (unsigned long long)r->rip, smp_id(),
	       (unsigned long long)read_cr2());
	printf("REGS: rax=%#llx rbx=%#llx rcx=%#llx rdx=%#llx rsi=%#llx rdi=%#llx\n",
	       (unsigned long long)r->rax, (unsigned long long)r->rbx, (unsigned long long)r->rcx,
	       (unsigned long long)r->rdx, (unsigned long long)r->rsi, (unsigned long long)r->rdi);
	printf("REGS: rbp=%#llx rsp=%#llx r8=%#llx r9=%#llx r10=%#llx r11=%#llx\n",
	       (unsigned long long)r->rbp, (unsigned long long)r->rsp, (unsigned long long)r->r8,
	       (unsigned long long)r->r9, (unsigned long long)r->r10, (unsigned long long)r->r11);
	printf("REGS: r12=%#llx r13=%#llx r14=%#llx r15=%#llx rflags=%#llx cs=%#llx ss=%#llx\n",
	       (unsigned long long)r->r12, (unsigned long long)r->r13, (unsigned long long)r->r14,
	       (unsigned long long)r->r15, (unsigned long long)r->rflags, (unsigned long long)r->cs,
	       (unsigned long long)r->ss);
	printf("REGS: cr0=%#llx cr3=%#llx cr4=%#llx\n", (unsigned long long)read_cr0(),
	       (unsigned long long)read_cr3(), (unsigned long long)read_cr4());
	print_backtrace_from(r->rip, r->rbp);
	hv_exit();
}

void handle_exception(struct ex_regs *r)
{
	struct percpu *c = this_cpu();
	uint64_t fixup;

	if (r->vector >= 32 && irq_handlers[r->vector]) {
		irq_handlers[r->vector](r);
		return;
	}
	if (r->vector == APIC_SPURIOUS_VECTOR)	/* no EOI for a spurious interrupt (SDM Vol. 3A, 11.9) */
		return;
	if (r->vector == USER_RETURN_VECTOR && (r->cs & 3) == 3)
		user_return(&c->user_ctx);
	if (r->vector < 32 && c->try_armed && (fixup = extable_fixup(r->rip))) {
		c->try_result = (struct hv_result){
			.kind = HV_EXCEPTION, .vector = (uint8_t)r->vector,
			.has_error_code = has_error_code(r->vector),
			.error_code = (uint32_t)r->error_code,
		};
		if (r->vector == PF_VECTOR)
			c->try_cr2 = read_cr2();
		c->try_armed = false;
		r->rip = fixup;
		r->rflags &= ~X86_EFLAGS_TF;
		return;
	}
	unexpected(r);
}

/* Safe forms: each is one instruction tried (HV_TRY). */
struct hv_result rdmsr_safe(uint32_t msr, uint64_t *val)
{
	uint32_t lo = 0, hi = 0;
	struct hv_result r = HV_TRY("rdmsr", : "+a"(lo), "+d"(hi) : "c"(msr) : "memory");

	*val = lo | ((uint64_t)hi << 32);
	return r;
}

struct hv_result wrmsr_safe(uint32_t msr, uint64_t val)
{
	return HV_TRY("wrmsr", :: "a"((uint32_t)val), "d"((uint32_t)(val >> 32)), "c"(msr) : "memory");
}

struct hv_result write_cr0_safe(uint64_t val)
{
	return HV_TRY("mov %0, %%cr0", :: "r"(val) : "memory");
}

struct hv_result write_cr4_safe(uint64_t val)
{
	return HV_TRY("mov %0, %%cr4", :: "r"(val) : "memory");
}

struct hv_result xsetbv_safe(uint32_t index, uint64_t val)
{
	return HV_TRY("xsetbv", :: "a"((uint32_t)val), "d"((uint32_t)(val >> 32)), "c"(index) : "memory");
}

struct hv_result read_byte_safe(const volatile void *p, uint8_t *val)
{
	uint8_t v = 0;
	struct hv_result r = HV_TRY("movb (%1), %0", : "+q"(v) : "r"(p) : "memory");

	*val = v;
	return r;
}

struct hv_result write_byte_safe(volatile void *p, uint8_t val)
{
	return HV_TRY("movb %0, (%1)", :: "q"(val), "r"(p) : "memory");
}

void run_in_user(void (*fn)(void *arg), void *arg)
{
	struct percpu *c = this_cpu();

	user_enter(fn, arg, c->user_stack_top, &c->user_ctx);
}
