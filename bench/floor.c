/*
 * Kernel floor for the start-up benchmark: the least a daemon must do to install N (S,G)
 * routes. MRT_INIT, one VIF per interface, N x MRT_ADD_MFC, then the PID file (the same
 * readiness signal the daemons give) and wait to be killed, like a daemon.
 *
 * Usage: floor PIDFILE N IIF-INDEX OIF-INDEX
 * Route i is (198.19.(i/250).(i%250+1), 225.2.(i/250).(i%250+1)) from VIF 0 to VIF 1,
 * the same routes bench/run writes into the daemons' conf.
 */
#include <arpa/inet.h>
#include <linux/mroute.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void add_vif(int sd, int vifi, int ifindex)
{
	struct vifctl vc;

	memset(&vc, 0, sizeof(vc));
	vc.vifc_vifi = vifi;
	vc.vifc_flags = VIFF_USE_IFINDEX;
	vc.vifc_threshold = 1;
	vc.vifc_lcl_ifindex = ifindex;
	if (setsockopt(sd, IPPROTO_IP, MRT_ADD_VIF, &vc, sizeof(vc)))
		die("MRT_ADD_VIF");
}

int main(int argc, char *argv[])
{
	struct mfcctl mc;
	FILE *fp;
	long i, n;
	int sd, one = 1;

	if (argc != 5) {
		fprintf(stderr, "usage: floor PIDFILE N IIF-INDEX OIF-INDEX\n");
		return 2;
	}
	n = atol(argv[2]);

	sd = socket(AF_INET, SOCK_RAW, IPPROTO_IGMP);
	if (sd < 0)
		die("socket");
	if (setsockopt(sd, IPPROTO_IP, MRT_INIT, &one, sizeof(one)))
		die("MRT_INIT");
	add_vif(sd, 0, atoi(argv[3]));
	add_vif(sd, 1, atoi(argv[4]));

	for (i = 0; i < n; i++) {
		memset(&mc, 0, sizeof(mc));
		mc.mfcc_origin.s_addr = htonl((198u << 24) | (19u << 16) | ((i / 250) << 8) | (i % 250 + 1));
		mc.mfcc_mcastgrp.s_addr = htonl((225u << 24) | (2u << 16) | ((i / 250) << 8) | (i % 250 + 1));
		mc.mfcc_parent = 0;
		mc.mfcc_ttls[1] = 1;
		if (setsockopt(sd, IPPROTO_IP, MRT_ADD_MFC, &mc, sizeof(mc)))
			die("MRT_ADD_MFC");
	}

	fp = fopen(argv[1], "w");
	if (!fp)
		die(argv[1]);
	fprintf(fp, "%ld\n", (long)getpid());
	fclose(fp);

	for (;;)
		pause();
}
