/*
 * The Virtual Machine Control Block (VMCB) of AMD SVM.
 *
 * Source: AMD64 Architecture Programmer's Manual Vol. 2 (pub. 24593),
 * chapter 15 "Secure Virtual Machine" and Appendix B "Layout of VMCB"
 * (Table B-1 control area, Table B-2 state save area).
 *
 * The VMCB is one 4 KB page: the control area at 000h-3FFh and the state
 * save area at 400h-FFFh.  Every field below is placed at its APM offset and
 * the offsets are checked at compile time (see the end of this file), so a
 * wrong layout does not build.  Offsets in comments are from the start of
 * the VMCB page.
 */
#ifndef HV_SVM_VMCB_H
#define HV_SVM_VMCB_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

#define VMCB_SIZE		4096
#define VMCB_CONTROL_SIZE	0x400
#define VMCB_SAVE_OFFSET	0x400

/* ------------------------------------------------------------------------
 * Intercept vectors, control area 000h-017h (APM 15.8-15.9, Table B-1).
 * Every constant is a mask within the named 32-bit field.
 * ---------------------------------------------------------------------- */

/* 000h: bits 15:0 intercept reads of CR0-CR15, bits 31:16 writes. */
#define SVM_I_CR_READ(n)	(1u << (n))
#define SVM_I_CR_WRITE(n)	(1u << (16 + (n)))
/* 004h: bits 15:0 intercept reads of DR0-DR15, bits 31:16 writes. */
#define SVM_I_DR_READ(n)	(1u << (n))
#define SVM_I_DR_WRITE(n)	(1u << (16 + (n)))
/* 008h: bit n intercepts exception vector n (0-31). */
#define SVM_I_EXCP(v)		(1u << (v))

/* 00Ch (field intercept3). */
#define SVM_I3_INTR		(1u << 0)	/* physical maskable interrupt */
#define SVM_I3_NMI		(1u << 1)
#define SVM_I3_SMI		(1u << 2)
#define SVM_I3_INIT		(1u << 3)
#define SVM_I3_VINTR		(1u << 4)	/* virtual interrupt */
#define SVM_I3_CR0_SEL_WRITE	(1u << 5)	/* CR0 write changing bits other than TS/MP */
#define SVM_I3_IDTR_READ	(1u << 6)
#define SVM_I3_GDTR_READ	(1u << 7)
#define SVM_I3_LDTR_READ	(1u << 8)
#define SVM_I3_TR_READ		(1u << 9)
#define SVM_I3_IDTR_WRITE	(1u << 10)
#define SVM_I3_GDTR_WRITE	(1u << 11)
#define SVM_I3_LDTR_WRITE	(1u << 12)
#define SVM_I3_TR_WRITE		(1u << 13)
#define SVM_I3_RDTSC		(1u << 14)
#define SVM_I3_RDPMC		(1u << 15)
#define SVM_I3_PUSHF		(1u << 16)
#define SVM_I3_POPF		(1u << 17)
#define SVM_I3_CPUID		(1u << 18)
#define SVM_I3_RSM		(1u << 19)
#define SVM_I3_IRET		(1u << 20)
#define SVM_I3_INTN		(1u << 21)	/* INTn instructions (exit SWINT) */
#define SVM_I3_INVD		(1u << 22)
#define SVM_I3_PAUSE		(1u << 23)
#define SVM_I3_HLT		(1u << 24)
#define SVM_I3_INVLPG		(1u << 25)
#define SVM_I3_INVLPGA		(1u << 26)
#define SVM_I3_IOIO_PROT	(1u << 27)	/* IN/OUT, filtered by the IOPM */
#define SVM_I3_MSR_PROT		(1u << 28)	/* RDMSR/WRMSR, filtered by the MSRPM */
#define SVM_I3_TASK_SWITCH	(1u << 29)
#define SVM_I3_FERR_FREEZE	(1u << 30)
#define SVM_I3_SHUTDOWN		(1u << 31)

/* 010h (field intercept4). */
#define SVM_I4_VMRUN		(1u << 0)	/* must be set, else VMRUN fails */
#define SVM_I4_VMMCALL		(1u << 1)
#define SVM_I4_VMLOAD		(1u << 2)
#define SVM_I4_VMSAVE		(1u << 3)
#define SVM_I4_STGI		(1u << 4)
#define SVM_I4_CLGI		(1u << 5)
#define SVM_I4_SKINIT		(1u << 6)
#define SVM_I4_RDTSCP		(1u << 7)
#define SVM_I4_ICEBP		(1u << 8)
#define SVM_I4_WBINVD		(1u << 9)	/* WBINVD and WBNOINVD */
#define SVM_I4_MONITOR		(1u << 10)	/* MONITOR and MONITORX */
#define SVM_I4_MWAIT		(1u << 11)	/* MWAIT and MWAITX, unconditionally */
#define SVM_I4_MWAIT_COND	(1u << 12)	/* MWAIT/MWAITX if the monitor is armed */
#define SVM_I4_XSETBV		(1u << 13)
#define SVM_I4_RDPRU		(1u << 14)
#define SVM_I4_EFER_WRITE_TRAP	(1u << 15)	/* exit after a guest EFER write */
/* Bits 31:16: trap (exit after completion) on writes of CR0-CR15. */
#define SVM_I4_CR_WRITE_TRAP(n)	(1u << (16 + (n)))

/* 014h (field intercept5). */
#define SVM_I5_INVLPGB		(1u << 0)	/* all INVLPGB */
#define SVM_I5_INVLPGB_ILLEGAL	(1u << 1)	/* only illegally specified INVLPGB */
#define SVM_I5_INVPCID		(1u << 2)
#define SVM_I5_MCOMMIT		(1u << 3)
#define SVM_I5_TLBSYNC		(1u << 4)
#define SVM_I5_BUSLOCK		(1u << 5)	/* bus lock while the counter at 120h is 0 */
#define SVM_I5_IDLE_HLT		(1u << 6)	/* HLT with no pending V_INTR/V_NMI */

/* ------------------------------------------------------------------------
 * TLB_CONTROL, byte at 05Ch (APM 15.16.1, Table 15-9 "TLB Control Byte
 * Encodings").  0 and 1 exist on every SVM processor; 3 and 7 need CPUID
 * 8000_000A EDX[FlushByAsid].  All other encodings are reserved.
 * ---------------------------------------------------------------------- */
#define VMCB_TLB_NOTHING		0x00
#define VMCB_TLB_FLUSH_ALL		0x01	/* every ASID, all entries */
#define VMCB_TLB_FLUSH_ASID		0x03	/* this guest's ASID only */
#define VMCB_TLB_FLUSH_ASID_NONGLOBAL	0x07	/* this guest's non-global entries */

/* ------------------------------------------------------------------------
 * Virtual interrupt control, 64-bit field at 060h (APM 15.21 and
 * Table B-1).  Bits 10, 15:13, 23:21, 29:27 and 63:40 are reserved, SBZ.
 * ---------------------------------------------------------------------- */
#define VMCB_V_TPR_MASK		0x0full		/* bits 7:0, only 3:0 used */
#define VMCB_V_IRQ		(1ull << 8)	/* a virtual INTR is pending */
#define VMCB_V_GIF		(1ull << 9)	/* virtual GIF value (with V_GIF_ENABLE) */
#define VMCB_V_NMI		(1ull << 11)	/* virtual NMI pending (vNMI) */
#define VMCB_V_NMI_MASK		(1ull << 12)	/* virtual NMIs blocked (vNMI) */
#define VMCB_V_INTR_PRIO_SHIFT	16		/* bits 19:16 */
#define VMCB_V_INTR_PRIO_MASK	(0xfull << VMCB_V_INTR_PRIO_SHIFT)
#define VMCB_V_IGN_TPR		(1ull << 20)
#define VMCB_V_INTR_MASKING	(1ull << 24)	/* virtualize EFLAGS.IF and TPR */
#define VMCB_V_GIF_ENABLE	(1ull << 25)	/* needs CPUID VGIF */
#define VMCB_V_NMI_ENABLE	(1ull << 26)	/* needs CPUID VNMI */
#define VMCB_X2AVIC_ENABLE	(1ull << 30)	/* requires AVIC_ENABLE too */
#define VMCB_AVIC_ENABLE	(1ull << 31)
#define VMCB_V_INTR_VECTOR_SHIFT 32		/* bits 39:32 */
#define VMCB_V_INTR_VECTOR_MASK	(0xffull << VMCB_V_INTR_VECTOR_SHIFT)

/* Interrupt state, 068h. */
#define VMCB_INTERRUPT_SHADOW	(1ull << 0)	/* guest is in an interrupt shadow */
#define VMCB_GUEST_INTERRUPT_MASK (1ull << 1)	/* guest RFLAGS.IF, written at #VMEXIT only */

/* ------------------------------------------------------------------------
 * Nested paging and SEV control, 090h (APM 15.25, 15.34, Table B-1).
 * Bits 63:8 are SBZ.
 * ---------------------------------------------------------------------- */
#define VMCB_NP_ENABLE		(1ull << 0)
#define VMCB_NP_SEV_ENABLE	(1ull << 1)	/* SEV (15.34) */
#define VMCB_NP_SEV_ES_ENABLE	(1ull << 2)	/* SEV-ES, encrypted state */
#define VMCB_NP_GMET_ENABLE	(1ull << 3)	/* guest mode execute trap */
#define VMCB_NP_SSS_CHECK_EN	(1ull << 4)	/* supervisor shadow stack checks */
#define VMCB_NP_VTE_ENABLE	(1ull << 5)	/* virtual transparent encryption */
#define VMCB_NP_ROGPT_ENABLE	(1ull << 6)	/* read-only guest page tables */
#define VMCB_NP_INVLPGB_TLBSYNC	(1ull << 7)	/* guest may run INVLPGB/TLBSYNC */

/* ------------------------------------------------------------------------
 * Event injection, EVENTINJ at 0A8h; EXITINTINFO at 088h has the same
 * format (APM 15.20 and 15.7.2).
 *   7:0 VECTOR, 10:8 TYPE, 11 EV (error code valid), 30:12 reserved,
 *   31 V (valid), 63:32 ERRORCODE.
 * TYPE 1 and 5-7 are reserved; an illegal injection is one of the VMRUN
 * consistency-check failures (VMEXIT_INVALID, APM 15.5.1).
 * ---------------------------------------------------------------------- */
#define SVM_EVT_VECTOR_MASK	0xffull
#define SVM_EVT_TYPE_SHIFT	8
#define SVM_EVT_TYPE_MASK	(7ull << SVM_EVT_TYPE_SHIFT)
#define SVM_EVT_TYPE_INTR	0	/* external or virtual interrupt */
#define SVM_EVT_TYPE_NMI	2
#define SVM_EVT_TYPE_EXCEPTION	3	/* fault or trap */
#define SVM_EVT_TYPE_SOFT_INT	4	/* software interrupt (INTn) */
#define SVM_EVT_EV		(1ull << 11)
#define SVM_EVT_V		(1ull << 31)
#define SVM_EVT_ERRCODE_SHIFT	32

static inline uint64_t svm_event(uint8_t vector, unsigned type, bool has_errcode,
				 uint32_t errcode)
{
	uint64_t e = SVM_EVT_V | vector |
		     ((uint64_t)(type & 7) << SVM_EVT_TYPE_SHIFT);

	if (has_errcode)
		e |= SVM_EVT_EV | ((uint64_t)errcode << SVM_EVT_ERRCODE_SHIFT);
	return e;
}


/* ------------------------------------------------------------------------
 * Virtualization extensions, 0B8h (Table B-1).  Bits 63:4 SBZ.
 * ---------------------------------------------------------------------- */
#define VMCB_LBR_VIRT_ENABLE		(1ull << 0)	/* needs CPUID LbrVirt */
#define VMCB_VMSAVE_VMLOAD_VIRT		(1ull << 1)	/* needs CPUID VMSAVEvirt */
#define VMCB_IBS_VIRT_ENABLE		(1ull << 2)	/* needs CPUID IbsVirt */
#define VMCB_PMC_VIRT_ENABLE		(1ull << 3)	/* needs CPUID PmcVirt */

/* ------------------------------------------------------------------------
 * VMCB clean bits, 0C0h (APM 15.15.3, Figure 15-4).  A set bit tells the
 * processor the named group is unchanged since the last VMRUN of this VMCB
 * on this core (a hint it may ignore; a clear bit is always honoured).  The
 * whole field must be 0 on a guest's first run, after moving to another core
 * or after the VMCB moved.  Bits 31:13 are reserved; the APM lets a
 * hypervisor that changed nothing write FFFF_FFFFh.  Bit numbers:
 * ---------------------------------------------------------------------- */
#define VMCB_CLEAN_I		0	/* intercepts, TSC offset, pause filter */
#define VMCB_CLEAN_IOPM		1	/* IOPM_BASE, MSRPM_BASE */
#define VMCB_CLEAN_ASID		2
#define VMCB_CLEAN_TPR		3	/* 060h-067h: V_TPR ... V_INTR_VECTOR */
#define VMCB_CLEAN_NP		4	/* NP_ENABLE, N_CR3, G_PAT */
#define VMCB_CLEAN_CRX		5	/* CR0, CR3, CR4, EFER */
#define VMCB_CLEAN_DRX		6	/* DR6, DR7 */
#define VMCB_CLEAN_DT		7	/* GDTR, IDTR */
#define VMCB_CLEAN_SEG		8	/* CS, DS, SS, ES, CPL */
#define VMCB_CLEAN_CR2		9
#define VMCB_CLEAN_LBR		10	/* DBGCTL, BR_FROM/TO, LASTEXCPFROM/TO */
#define VMCB_CLEAN_AVIC		11	/* AVIC APIC_BAR, backing page, tables */
#define VMCB_CLEAN_CET		12	/* S_CET, SSP, ISST_ADDR */
#define VMCB_CLEAN_ALL_DEFINED	((1u << 13) - 1)

/* AVIC pointers (APM 15.29.4, Table B-1). */
#define VMCB_AVIC_ADDR_MASK		0x000ffffffffff000ull	/* bits 51:12 */
#define VMCB_AVIC_APIC_BAR_MASK		0x000fffffffffffffull	/* 098h bits 51:0 */
#define VMCB_AVIC_PHYS_MAX_INDEX_MASK	0xfffull		/* 0F8h bits 11:0 */

/* ------------------------------------------------------------------------
 * Segment attributes (APM 15.5, Table B-2): the VMCB keeps 12 attribute
 * bits, descriptor bits 47:40 (type, S, DPL, P) in attrib[7:0] and
 * descriptor bits 55:52 (AVL, L, D/B, G) in attrib[11:8].
 * ---------------------------------------------------------------------- */
#define VMCB_ATTR_TYPE_MASK	0x000f
#define VMCB_ATTR_S		(1u << 4)	/* code/data (not system) */
#define VMCB_ATTR_DPL_SHIFT	5
#define VMCB_ATTR_DPL_MASK	(3u << VMCB_ATTR_DPL_SHIFT)
#define VMCB_ATTR_P		(1u << 7)
#define VMCB_ATTR_AVL		(1u << 8)
#define VMCB_ATTR_L		(1u << 9)
#define VMCB_ATTR_DB		(1u << 10)
#define VMCB_ATTR_G		(1u << 11)

/* ------------------------------------------------------------------------
 * The structures.
 * ---------------------------------------------------------------------- */

/* A segment register image, 16 bytes (Table B-2). */
struct vmcb_seg {
	uint16_t selector;
	uint16_t attrib;
	uint32_t limit;
	uint64_t base;
};

/* Control area, 000h-3FFh (Table B-1). */
struct vmcb_control {
	uint32_t intercept_cr;		/* 000h */
	uint32_t intercept_dr;		/* 004h */
	uint32_t intercept_exc;		/* 008h */
	uint32_t intercept3;		/* 00Ch, SVM_I3_* */
	uint32_t intercept4;		/* 010h, SVM_I4_* */
	uint32_t intercept5;		/* 014h, SVM_I5_* */
	uint8_t  rsvd_018[0x03c - 0x018];
	uint16_t pause_filter_thresh;	/* 03Ch */
	uint16_t pause_filter_count;	/* 03Eh */
	uint64_t iopm_base_pa;		/* 040h, 4 KB aligned (low 12 bits ignored) */
	uint64_t msrpm_base_pa;		/* 048h, 4 KB aligned (low 12 bits ignored) */
	uint64_t tsc_offset;		/* 050h */
	uint32_t asid;			/* 058h, 0 is the host's: VMRUN fails */
	uint8_t  tlb_control;		/* 05Ch, VMCB_TLB_* */
	uint8_t  rsvd_05d[3];
	uint64_t vintr;			/* 060h, VMCB_V_* / VMCB_AVIC_ENABLE ... */
	uint64_t int_state;		/* 068h, VMCB_INTERRUPT_SHADOW ... */
	uint64_t exit_code;		/* 070h, VMEXIT_* (svm_defs.h) */
	uint64_t exit_info1;		/* 078h */
	uint64_t exit_info2;		/* 080h */
	uint64_t exit_int_info;		/* 088h, SVM_EVT_* format */
	uint64_t np_control;		/* 090h, VMCB_NP_* */
	uint64_t avic_apic_bar;		/* 098h */
	uint64_t ghcb_gpa;		/* 0A0h, SEV-ES guest GHCB */
	uint64_t event_inj;		/* 0A8h, SVM_EVT_* */
	uint64_t n_cr3;			/* 0B0h, nested page table root */
	uint64_t virt_ext;		/* 0B8h, VMCB_LBR_VIRT_ENABLE ... */
	uint32_t clean;			/* 0C0h, 1 << VMCB_CLEAN_* */
	uint32_t rsvd_0c4;
	uint64_t next_rip;		/* 0C8h, nRIP (CPUID NRIPS) */
	uint8_t  insn_len;		/* 0D0h, bytes fetched (decode assists) */
	uint8_t  insn_bytes[15];	/* 0D1h-0DFh */
	uint64_t avic_backing_page;	/* 0E0h */
	uint64_t rsvd_0e8;
	uint64_t avic_logical_table;	/* 0F0h */
	uint64_t avic_physical_table;	/* 0F8h, pointer | max index */
	uint64_t rsvd_100;
	uint64_t vmsa_pa;		/* 108h, SEV-ES VM save area */
	uint8_t  rsvd_110[0x120 - 0x110];
	uint16_t bus_lock_counter;	/* 120h, CPUID BusLockThreshold */
	uint8_t  rsvd_122[0x138 - 0x122];
	uint64_t allowed_sev_features;	/* 138h */
	uint64_t guest_sev_features;	/* 140h */
	uint8_t  rsvd_148[0x3e0 - 0x148];
	uint8_t  host_reserved[0x400 - 0x3e0];	/* 3E0h: for the hypervisor's use */
};

/* State save area, 400h-FFFh (Table B-2, non-SEV-ES layout). */
struct vmcb_save {
	struct vmcb_seg es;		/* 400h */
	struct vmcb_seg cs;		/* 410h */
	struct vmcb_seg ss;		/* 420h */
	struct vmcb_seg ds;		/* 430h */
	struct vmcb_seg fs;		/* 440h */
	struct vmcb_seg gs;		/* 450h */
	struct vmcb_seg gdtr;		/* 460h, only limit and base used */
	struct vmcb_seg ldtr;		/* 470h */
	struct vmcb_seg idtr;		/* 480h, only limit and base used */
	struct vmcb_seg tr;		/* 490h */
	uint8_t  rsvd_4a0[0x4ca - 0x4a0];
	uint8_t  vmpl;			/* 4CAh, SEV-SNP only; reserved otherwise */
	uint8_t  cpl;			/* 4CBh */
	uint32_t rsvd_4cc;
	uint64_t efer;			/* 4D0h */
	uint8_t  rsvd_4d8[0x548 - 0x4d8];
	uint64_t cr4;			/* 548h */
	uint64_t cr3;			/* 550h */
	uint64_t cr0;			/* 558h */
	uint64_t dr7;			/* 560h */
	uint64_t dr6;			/* 568h */
	uint64_t rflags;		/* 570h */
	uint64_t rip;			/* 578h */
	uint8_t  rsvd_580[0x5d8 - 0x580];
	uint64_t rsp;			/* 5D8h */
	uint64_t s_cet;			/* 5E0h */
	uint64_t ssp;			/* 5E8h */
	uint64_t isst_addr;		/* 5F0h */
	uint64_t rax;			/* 5F8h */
	uint64_t star;			/* 600h */
	uint64_t lstar;			/* 608h */
	uint64_t cstar;			/* 610h */
	uint64_t sfmask;		/* 618h */
	uint64_t kernel_gs_base;	/* 620h */
	uint64_t sysenter_cs;		/* 628h */
	uint64_t sysenter_esp;		/* 630h */
	uint64_t sysenter_eip;		/* 638h */
	uint64_t cr2;			/* 640h */
	uint8_t  rsvd_648[0x668 - 0x648];
	uint64_t g_pat;			/* 668h, guest PAT (nested paging) */
	uint64_t dbgctl;		/* 670h */
	uint64_t br_from;		/* 678h */
	uint64_t br_to;			/* 680h */
	uint64_t last_excp_from;	/* 688h */
	uint64_t last_excp_to;		/* 690h */
	uint8_t  rsvd_698[0x6e0 - 0x698];
	uint64_t spec_ctrl;		/* 6E0h, guest SPEC_CTRL (CPUID SpecCtrl) */
	uint8_t  rsvd_6e8[0x1000 - 0x6e8];
};

struct vmcb {
	struct vmcb_control control;	/* 000h */
	struct vmcb_save save;		/* 400h */
} __attribute__((aligned(4096)));

/* ------------------------------------------------------------------------
 * Layout checks against Table B-1 and Table B-2.
 * ---------------------------------------------------------------------- */
#define VMCB_CHECK(field, off) \
	_Static_assert(offsetof(struct vmcb, field) == (off), \
		       "VMCB field " #field " is not at APM offset " #off)

VMCB_CHECK(control.intercept_cr,	0x000);
VMCB_CHECK(control.intercept_dr,	0x004);
VMCB_CHECK(control.intercept_exc,	0x008);
VMCB_CHECK(control.intercept3,		0x00c);
VMCB_CHECK(control.intercept4,		0x010);
VMCB_CHECK(control.intercept5,		0x014);
VMCB_CHECK(control.pause_filter_thresh,	0x03c);
VMCB_CHECK(control.pause_filter_count,	0x03e);
VMCB_CHECK(control.iopm_base_pa,	0x040);
VMCB_CHECK(control.msrpm_base_pa,	0x048);
VMCB_CHECK(control.tsc_offset,		0x050);
VMCB_CHECK(control.asid,		0x058);
VMCB_CHECK(control.tlb_control,		0x05c);
VMCB_CHECK(control.vintr,		0x060);
VMCB_CHECK(control.int_state,		0x068);
VMCB_CHECK(control.exit_code,		0x070);
VMCB_CHECK(control.exit_info1,		0x078);
VMCB_CHECK(control.exit_info2,		0x080);
VMCB_CHECK(control.exit_int_info,	0x088);
VMCB_CHECK(control.np_control,		0x090);
VMCB_CHECK(control.avic_apic_bar,	0x098);
VMCB_CHECK(control.ghcb_gpa,		0x0a0);
VMCB_CHECK(control.event_inj,		0x0a8);
VMCB_CHECK(control.n_cr3,		0x0b0);
VMCB_CHECK(control.virt_ext,		0x0b8);
VMCB_CHECK(control.clean,		0x0c0);
VMCB_CHECK(control.next_rip,		0x0c8);
VMCB_CHECK(control.insn_len,		0x0d0);
VMCB_CHECK(control.insn_bytes,		0x0d1);
VMCB_CHECK(control.avic_backing_page,	0x0e0);
VMCB_CHECK(control.avic_logical_table,	0x0f0);
VMCB_CHECK(control.avic_physical_table,	0x0f8);
VMCB_CHECK(control.vmsa_pa,		0x108);
VMCB_CHECK(control.bus_lock_counter,	0x120);
VMCB_CHECK(control.allowed_sev_features, 0x138);
VMCB_CHECK(control.guest_sev_features,	0x140);
VMCB_CHECK(control.host_reserved,	0x3e0);

VMCB_CHECK(save.es,			0x400);
VMCB_CHECK(save.cs,			0x410);
VMCB_CHECK(save.ss,			0x420);
VMCB_CHECK(save.ds,			0x430);
VMCB_CHECK(save.fs,			0x440);
VMCB_CHECK(save.gs,			0x450);
VMCB_CHECK(save.gdtr,			0x460);
VMCB_CHECK(save.ldtr,			0x470);
VMCB_CHECK(save.idtr,			0x480);
VMCB_CHECK(save.tr,			0x490);
VMCB_CHECK(save.vmpl,			0x4ca);
VMCB_CHECK(save.cpl,			0x4cb);
VMCB_CHECK(save.efer,			0x4d0);
VMCB_CHECK(save.cr4,			0x548);
VMCB_CHECK(save.cr3,			0x550);
VMCB_CHECK(save.cr0,			0x558);
VMCB_CHECK(save.dr7,			0x560);
VMCB_CHECK(save.dr6,			0x568);
VMCB_CHECK(save.rflags,			0x570);
VMCB_CHECK(save.rip,			0x578);
VMCB_CHECK(save.rsp,			0x5d8);
VMCB_CHECK(save.s_cet,			0x5e0);
VMCB_CHECK(save.ssp,			0x5e8);
VMCB_CHECK(save.isst_addr,		0x5f0);
VMCB_CHECK(save.rax,			0x5f8);
VMCB_CHECK(save.star,			0x600);
VMCB_CHECK(save.lstar,			0x608);
VMCB_CHECK(save.cstar,			0x610);
VMCB_CHECK(save.sfmask,			0x618);
VMCB_CHECK(save.kernel_gs_base,		0x620);
VMCB_CHECK(save.sysenter_cs,		0x628);
VMCB_CHECK(save.sysenter_esp,		0x630);
VMCB_CHECK(save.sysenter_eip,		0x638);
VMCB_CHECK(save.cr2,			0x640);
VMCB_CHECK(save.g_pat,			0x668);
VMCB_CHECK(save.dbgctl,			0x670);
VMCB_CHECK(save.br_from,		0x678);
VMCB_CHECK(save.br_to,			0x680);
VMCB_CHECK(save.last_excp_from,		0x688);
VMCB_CHECK(save.last_excp_to,		0x690);
VMCB_CHECK(save.spec_ctrl,		0x6e0);

_Static_assert(sizeof(struct vmcb_seg) == 16, "VMCB segment image is 16 bytes");
_Static_assert(offsetof(struct vmcb_seg, attrib) == 2, "segment attrib at +2");
_Static_assert(offsetof(struct vmcb_seg, limit) == 4, "segment limit at +4");
_Static_assert(offsetof(struct vmcb_seg, base) == 8, "segment base at +8");
_Static_assert(sizeof(struct vmcb_control) == VMCB_CONTROL_SIZE, "control area is 1 KB");
_Static_assert(offsetof(struct vmcb, save) == VMCB_SAVE_OFFSET, "save area at 400h");
_Static_assert(sizeof(struct vmcb) == VMCB_SIZE, "the VMCB is one 4 KB page");

#undef VMCB_CHECK

#endif /* HV_SVM_VMCB_H */
