# efi/: the UEFI driver (gnu-efi).  Produces build/LuksDxe.efi.
$(BUILD)/LuksDxe.efi:
	@echo "efi: not yet" >&2; false
