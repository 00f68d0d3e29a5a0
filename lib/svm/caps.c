/* CPUID 0x8000000A decoded, and the has_svm / is_disabled decisions. */
#include "caps.h"
#include "svm_defs.h"
#include "cpuid.h"
#include "desc.h"
#include "libc.h"

void svm_caps_read(struct svm_caps *c)
{
	memset(c, 0, sizeof(*c));
	strlcpy(c->vendor, cpu_vendor_string(), sizeof(c->vendor));
	c->max_ext = cpuid_max_extended();
	c->svm = cpu_has(X86_FEATURE_SVM);
	c->skinit = cpu_has(X86_FEATURE_SKINIT);
	if (c->svm && c->max_ext >= SVM_CPUID_LEAF) {
		struct cpuid_regs r = cpuid(SVM_CPUID_LEAF);
		c->leaf_valid = true;
		c->rev = r.a & SVM_CPUID_EAX_REV_MASK;
		c->nasid = r.b;
		c->ecx = r.c;
		c->edx = r.d;
	}
	c->vm_cr_valid = hv_result_ok(rdmsr_safe(SVM_MSR_VM_CR, &c->vm_cr));
}

const struct svm_caps *svm_boot_caps(void)
{
	static struct svm_caps boot;
	static bool read;

	if (!read) {
		svm_caps_read(&boot);
		read = true;
	}
	return &boot;
}

bool svm_has(unsigned feature)
{
	const struct svm_caps *c = svm_boot_caps();

	return c->leaf_valid && (c->edx & SVM_FEAT_MASK(feature));
}

bool svm_caps_has_svm(const struct svm_caps *c, char *why, size_t size)
{
	bool amd = !strcmp(c->vendor, "AuthenticAMD") || !strcmp(c->vendor, "HygonGenuine");

	if (!c->svm)
		snprintf(why, size, "CPUID 0x80000001 ECX[2] (SVM) clear; vendor %s", c->vendor);
	else if (!amd)
		snprintf(why, size, "vendor %s is not AuthenticAMD or HygonGenuine although "
			 "CPUID 0x80000001 ECX[2] (SVM) is set", c->vendor);
	else if (c->max_ext < SVM_CPUID_LEAF)
		snprintf(why, size, "CPUID max extended leaf %#x < 0x8000000a; vendor %s",
			 c->max_ext, c->vendor);
	else
		return true;
	return false;
}

bool svm_caps_disabled(const struct svm_caps *c)
{
	return c->vm_cr_valid && (c->vm_cr & SVM_VM_CR_SVMDIS);
}

const char *svm_caps_features(uint32_t edx, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = 0;
	for (unsigned bit = 0; bit < 32 && n < size; bit++) {
		if (!(edx & SVM_FEAT_MASK(bit)))
			continue;
		const char *name = svm_feature_name(bit);
		if (!strcmp(name, "UNKNOWN"))
			n += (size_t)snprintf(buf + n, size - n, "%sbit%u", n ? "," : "", bit);
		else
			n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? "," : "", name);
	}
	if (!n)
		snprintf(buf, size, "none");
	return buf;
}

bool svm_caps_equal(const struct svm_caps *a, const struct svm_caps *b, char *diff, size_t size)
{
	const struct { const char *name; uint64_t a, b; } f[] = {
		{ "CPUID 0x80000000 EAX (max extended leaf)", a->max_ext, b->max_ext },
		{ "CPUID 0x80000001 ECX[2] (SVM)", a->svm, b->svm },
		{ "CPUID 0x80000001 ECX[12] (SKINIT)", a->skinit, b->skinit },
		{ "CPUID 0x8000000A EAX[7:0] (revision)", a->rev, b->rev },
		{ "CPUID 0x8000000A EBX (ASIDs)", a->nasid, b->nasid },
		{ "CPUID 0x8000000A ECX", a->ecx, b->ecx },
		{ "CPUID 0x8000000A EDX (features)", a->edx, b->edx },
		{ "VM_CR readable", a->vm_cr_valid, b->vm_cr_valid },
		{ "VM_CR", a->vm_cr, b->vm_cr },
	};

	if (strcmp(a->vendor, b->vendor)) {
		snprintf(diff, size, "vendor: %s vs %s", a->vendor, b->vendor);
		return false;
	}
	for (unsigned i = 0; i < ARRAY_SIZE(f); i++) {
		if (f[i].a != f[i].b) {
			snprintf(diff, size, "%s: %#llx vs %#llx", f[i].name,
				 (unsigned long long)f[i].a, (unsigned long long)f[i].b);
			return false;
		}
	}
	return true;
}
