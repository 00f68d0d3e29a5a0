/*
 * What the CPU says about SVM: the vendor, CPUID 0x80000001 ECX[SVM],
 * CPUID 0x8000000A (revision, number of ASIDs, features by name) and
 * VM_CR.  KVM's has_svm() and is_disabled() are decided from this.
 */
#ifndef HV_SVM_CAPS_H
#define HV_SVM_CAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct svm_caps {
	char vendor[13];
	uint32_t max_ext;	/* CPUID 0x80000000 EAX */
	bool svm;		/* CPUID 0x80000001 ECX[2] */
	bool skinit;		/* CPUID 0x80000001 ECX[12] */
	bool leaf_valid;	/* max_ext >= 0x8000000A and svm: the fields below are read */
	uint32_t rev;		/* 0x8000000A EAX[7:0] SvmRev */
	uint32_t nasid;		/* 0x8000000A EBX */
	uint32_t ecx, edx;	/* 0x8000000A ECX, EDX (features) */
	bool vm_cr_valid;	/* VM_CR read without a fault */
	uint64_t vm_cr;
};

/* Read everything on this CPU. */
void svm_caps_read(struct svm_caps *c);
/* The boot CPU's capabilities, read once. */
const struct svm_caps *svm_boot_caps(void);
/* Is CPUID 0x8000000A EDX bit `feature` (SVM_FEAT_*) set on the boot CPU? */
bool svm_has(unsigned feature);

/*
 * has_svm(): vendor AuthenticAMD or HygonGenuine, extended leaf 0x8000000A
 * present, CPUID 0x80000001 ECX[2].  When not, `why` gets the exact reason.
 */
bool svm_caps_has_svm(const struct svm_caps *c, char *why, size_t size);
/* is_disabled(): VM_CR.SVMDIS (APM 15.30.1). */
bool svm_caps_disabled(const struct svm_caps *c);

/* The advertised features by name, comma-separated ("NP,VGIF"), or "none". */
const char *svm_caps_features(uint32_t edx, char *buf, size_t size);
/*
 * Compare two CPUs' capabilities field by field: returns false and names
 * the first differing field with both values in `diff`.
 */
bool svm_caps_equal(const struct svm_caps *a, const struct svm_caps *b, char *diff, size_t size);

#endif
