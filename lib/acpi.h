/* ACPI: the RSDP, the RSDT/XSDT, and the processors listed in the MADT. */
#ifndef HV_ACPI_H
#define HV_ACPI_H

#include <stdint.h>

struct acpi_header {
	char signature[4];
	uint32_t length;
	uint8_t revision, checksum;
	char oem_id[6], oem_table_id[8];
	uint32_t oem_revision, creator_id, creator_revision;
} __attribute__((packed));

/* A table by signature ("APIC", "FACP", ...), checksum verified; NULL if absent. */
const struct acpi_header *acpi_find_table(const char *signature);

/*
 * APIC IDs of the enabled processors in the MADT (local APIC and x2APIC
 * entries), at most max.  Returns the count, 0 when there is no MADT.
 */
unsigned acpi_madt_apic_ids(uint32_t *ids, unsigned max);

#endif
