# Bootable disk images (owned by the disk-loader work; see x86/boot/).
%.img: %.bin
	@: placeholder until the loader lands
