/* From the boot code to main(): console, descriptors, memory, paging, APIC, CPUs. */
#include "hvtest.h"
#include "console.h"
#include "boot.h"

struct multiboot_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr, syms[4], mmap_length, mmap_addr;
} __attribute__((packed));

#define MBI_MEM		(1u << 0)
#define MBI_CMDLINE	(1u << 2)
#define MBI_MMAP	(1u << 6)

extern uint32_t boot_mb_magic, boot_mb_info;
extern char __load_start[], __image_end[];
void percpu_init_bsp(void);
void hv_start_bsp(void);

static unsigned read_memory_map(const struct multiboot_info *mbi, struct mem_region *map, unsigned max)
{
	unsigned n = 0;

	if (mbi->flags & MBI_MMAP) {
		uint64_t p = mbi->mmap_addr, end = p + mbi->mmap_length;
		while (p < end && n < max) {
			uint32_t size = *(uint32_t *)p;
			memcpy(&map[n].base, (void *)(p + 4), 8);
			memcpy(&map[n].len, (void *)(p + 12), 8);
			memcpy(&map[n].type, (void *)(p + 20), 4);
			n++;
			p += size + 4;
		}
	} else if (mbi->flags & MBI_MEM) {
		map[n++] = (struct mem_region){ 0, (uint64_t)mbi->mem_lower << 10, 1 };
		map[n++] = (struct mem_region){ 0x100000, (uint64_t)mbi->mem_upper << 10, 1 };
	}
	return n;
}

void hv_start_bsp(void)
{
	const struct multiboot_info *mbi = (const void *)(uint64_t)boot_mb_info;
	struct mem_region map[32];

	percpu_init_bsp();
	console_init();
	desc_setup_bsp();
	if (boot_mb_magic != MB_LOADER_MAGIC) {
		report(false, "boot: not started by a multiboot loader: EAX=%#x, expected %#x",
		       boot_mb_magic, MB_LOADER_MAGIC);
		hv_exit();
	}
	args_parse(mbi->flags & MBI_CMDLINE ? (const char *)(uint64_t)mbi->cmdline : "");
	unsigned n = read_memory_map(mbi, map, ARRAY_SIZE(map));
	mem_init(map, n, (uint64_t)__load_start, (uint64_t)__image_end);
	paging_setup();
	pic_disable();
	apic_setup();
	tsc_calibrate();
	smp_init();
	char args[512] = "";
	for (int i = 1, n = 0; i < hv_argc && n < (int)sizeof(args); i++)
		n += snprintf(args + n, sizeof(args) - n, "%s%s", i > 1 ? " " : "", hv_argv[i]);
	printf("HVTEST-START: %s cpus=%u env=%s args=%s\n", hv_program_name(), nr_cpus, hv_env_name(), args);
	boot_milestone(MILESTONE_MAIN);
	main(hv_argc, hv_argv);
	hv_exit();
}
