/*
 * The start a loader hands a program (lib/boot.h): the multiboot
 * information, checked against the Multiboot Specification 0.6.96 (3.3
 * "Boot information format"), and the machine as the firmware leaves it,
 * printed as INFO lines with the prefix "env" so that two boots of one
 * machine can be compared line by line (scripts/check.sh compares hvtest's
 * Bochs ROM with SeaBIOS and the disk loader: they must not differ).
 */
#include "hvtest.h"
#include "acpi.h"
#include "boot.h"

#define MAX_REGIONS		32
#define LOW_MEMORY_KIB		640	/* the specification's maximum for mem_lower */
#define UPPER_MEMORY_BASE	0x100000

extern char __load_start[], __image_end[];

static struct mem_region map[MAX_REGIONS];
static unsigned nr_regions;

/* The end of the RAM that runs without a hole from addr, or addr if none does. */
static uint64_t ram_end_from(uint64_t addr)
{
	for (bool grew = true; grew;) {
		grew = false;
		for (unsigned i = 0; i < nr_regions; i++)
			if (map[i].type == E820_RAM && map[i].base <= addr && addr < map[i].base + map[i].len) {
				addr = map[i].base + map[i].len;
				grew = true;
			}
	}
	return addr;
}

static void test_multiboot_info(void)
{
	const struct multiboot_info *mbi = boot_multiboot_info();

	report_prefix_push("env");
	report_info("multiboot flags %#x, mem_lower %u KiB, mem_upper %u KiB", mbi->flags, mbi->mem_lower,
		    mbi->mem_upper);
	for (unsigned i = 0; i < nr_regions; i++)
		report_info("memory map: [%#llx, %#llx) type %u", (unsigned long long)map[i].base,
			    (unsigned long long)(map[i].base + map[i].len), map[i].type);
	report_prefix_pop();

	report(mbi->flags & MBI_FLAG_MEM, "flags %#x: bit 0, mem_lower and mem_upper valid", mbi->flags);
	report(mbi->flags & MBI_FLAG_CMDLINE, "flags %#x: bit 2, a command line", mbi->flags);
	report(mbi->flags & MBI_FLAG_MMAP, "flags %#x: bit 6, a memory map (%u regions)", mbi->flags, nr_regions);
	report(mbi->mem_lower <= LOW_MEMORY_KIB, "mem_lower %u KiB: at most %u KiB", mbi->mem_lower,
	       LOW_MEMORY_KIB);
	uint64_t upper = (ram_end_from(UPPER_MEMORY_BASE) - UPPER_MEMORY_BASE) >> 10;
	report(mbi->mem_upper <= upper, "mem_upper %u KiB: at most the RAM from 1 MiB to the first hole "
	       "in the memory map, %llu KiB", mbi->mem_upper, (unsigned long long)upper);
	uint64_t start = (uint64_t)__load_start, end = (uint64_t)__image_end;
	report(ram_end_from(start) >= end, "the program's image [%#llx, %#llx) is in RAM of the memory map "
	       "(RAM from its start ends at %#llx)", (unsigned long long)start, (unsigned long long)end,
	       (unsigned long long)ram_end_from(start));
	report(!strcmp(hv_program_name(), "bootinfo"), "the command line names this program: '%s'",
	       hv_program_name());
}

/* What the firmware leaves that programs rely on: the same under every boot of one machine. */
static void test_firmware_state(void)
{
	uint64_t fc;
	struct hv_result r = rdmsr_safe(MSR_IA32_FEATURE_CONTROL, &fc);
	uint32_t apic_ids[MAX_CPUS];

	report_prefix_push("env");
	if (hv_result_ok(r))
		report_info("IA32_FEATURE_CONTROL %#llx at main()", (unsigned long long)fc);
	else
		report_info("IA32_FEATURE_CONTROL cannot be read at main()");
	report_info("%u CPUs online, CR0 %#lx", nr_cpus, read_cr0());
	report_prefix_pop();
	/* Not compared: SeaBIOS' MADT lists one processor under Bochs, hvtest's ROM has none. */
	report_info("acpi: the MADT lists %u enabled processors", acpi_madt_apic_ids(apic_ids, MAX_CPUS));
}

int main(int argc, char **argv)
{
	nr_regions = mem_boot_map(map, MAX_REGIONS);
	test_multiboot_info();
	test_firmware_state();
	return 0;
}
