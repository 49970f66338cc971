# Stand-in for an OpenWrt build tree's rules.mk, written for our checks: just
# enough for a feed package Makefile to be evaluated offline by GNU make.
# Nothing here comes from OpenWrt; the names are the ones package Makefiles use.

INCLUDE_DIR:=$(TOPDIR)/include
BUILD_DIR?=$(TOPDIR)/build
DESTDIR?=$(TOPDIR)/root

# Same modes as OpenWrt's install helpers.
INSTALL_DIR:=install -d -m0755
INSTALL_BIN:=install -m0755
INSTALL_DATA:=install -m0644
INSTALL_CONF:=install -m0600
LN:=ln -sf

# The target configuration: OpenWrt reads .config here. The check passes the
# CONFIG_* values of the package on the command line instead.
-include $(TOPDIR)/.config
