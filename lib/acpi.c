/* Finding ACPI tables (ACPI 6.x, 5.2.5 RSDP; 5.2.12 MADT). */
#include "acpi.h"
#include "libc.h"

struct rsdp {
	char signature[8];
	uint8_t checksum;
	char oem_id[6];
	uint8_t revision;
	uint32_t rsdt;
	uint32_t length;
	uint64_t xsdt;
	uint8_t xchecksum, reserved[3];
} __attribute__((packed));

static uint8_t sum(const void *p, unsigned len)
{
	const uint8_t *b = p;
	uint8_t s = 0;

	while (len--)
		s += *b++;
	return s;
}

static const struct rsdp *scan(uint64_t start, uint64_t len)
{
	for (uint64_t a = start; a + 20 <= start + len; a += 16) {
		const struct rsdp *r = (const struct rsdp *)a;
		if (!memcmp(r->signature, "RSD PTR ", 8) && !sum(r, 20))
			return r;
	}
	return NULL;
}

static const struct rsdp *find_rsdp(void)
{
	uint64_t ebda = (uint64_t)*(volatile uint16_t *)0x40e << 4;
	const struct rsdp *r = NULL;

	if (ebda >= 0x80000 && ebda < 0xa0000)
		r = scan(ebda, 1024);
	return r ? r : scan(0xe0000, 0x20000);
}

const struct acpi_header *acpi_find_table(const char *sig)
{
	const struct rsdp *r = find_rsdp();

	if (!r)
		return NULL;
	bool x = r->revision >= 2 && r->xsdt;
	const struct acpi_header *root = (const void *)(x ? r->xsdt : (uint64_t)r->rsdt);
	if (sum(root, root->length))
		return NULL;
	unsigned entry = x ? 8 : 4;
	unsigned n = (root->length - sizeof(*root)) / entry;
	const uint8_t *entries = (const uint8_t *)(root + 1);
	for (unsigned i = 0; i < n; i++) {
		uint64_t addr = 0;
		memcpy(&addr, entries + i * entry, entry);
		const struct acpi_header *t = (const void *)addr;
		if (!memcmp(t->signature, sig, 4) && !sum(t, t->length))
			return t;
	}
	return NULL;
}

unsigned acpi_madt_apic_ids(uint32_t *ids, unsigned max)
{
	const struct acpi_header *madt = acpi_find_table("APIC");
	unsigned n = 0;

	if (!madt)
		return 0;
	const uint8_t *p = (const uint8_t *)madt + sizeof(*madt) + 8;	/* + local APIC address, flags */
	const uint8_t *end = (const uint8_t *)madt + madt->length;
	while (p + 2 <= end && p[1] >= 2 && n < max) {
		uint32_t flags, id;
		if (p[0] == 0) {		/* processor local APIC */
			memcpy(&flags, p + 4, 4);
			id = p[3];
		} else if (p[0] == 9) {	/* processor local x2APIC */
			memcpy(&id, p + 4, 4);
			memcpy(&flags, p + 8, 4);
		} else {
			p += p[1];
			continue;
		}
		if (flags & 1)		/* enabled */
			ids[n++] = id;
		p += p[1];
	}
	return n;
}
