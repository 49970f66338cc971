# Stand-in for the packages feed's lang/rust/rust-package.mk, written for our
# checks: the architecture gate and RustBinPackage's rule that its default
# install (every binary to /usr/bin) only applies when the package defines none.

RUST_ARCH_DEPENDS:=@(aarch64||arm||i386||loongarch64||mips||mips64||mips64el||mipsel||powerpc||powerpc64||riscv64||x86_64)
RUST_PKG_LOCKED?=1

define RustBinPackage
  RUST_BIN_PACKAGES+=$(1)
  ifndef Package/$(1)/install
    define Package/$(1)/install
	$$(INSTALL_DIR) $$$$(1)/usr/bin
	$$(INSTALL_BIN) $$(PKG_INSTALL_DIR)/bin/* $$$$(1)/usr/bin/
    endef
  endif
endef
