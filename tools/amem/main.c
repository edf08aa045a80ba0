/*
 * amem: a command-line tool for libassocmem model files (docs/cli.md).
 *
 *   amem info FILE...                     what a model (or array) file holds
 *   amem store [options] PATTERNS -o OUT  a Hopfield network from IDX or .npy
 *   amem recall [options] MODEL CUES -o OUT
 *   amem energy [options] MODEL STATES
 *   amem convert IN -o OUT                rewrite in the current file format
 *   amem bench [options]                  a short recall benchmark
 */
#include <stdio.h>
#include <string.h>

#include <assocmem/assocmem.h>

#include "cli.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"info", cmd_info, "show what a model file (or an array file) holds"},
    {"store", cmd_store, "store patterns (IDX or .npy) in a new Hopfield model"},
    {"recall", cmd_recall, "recall from cues (.npy or IDX) with a Hopfield model"},
    {"remove", cmd_remove, "delete patterns by id from a Hopfield model"},
    {"energy", cmd_energy, "energies of states under a Hopfield model"},
    {"convert", cmd_convert, "rewrite a model file in the current format version"},
    {"bench", cmd_bench, "time recall on this machine"},
};

static void print_usage(FILE *out)
{
    fprintf(out, "Usage: amem COMMAND [options] [arguments]\n\n"
                 "Work with libassocmem model files from the shell.\n\nCommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n'amem COMMAND --help' describes a command. Exit status: 0 "
                 "success, 1 failure,\n2 bad command line. "
                 "amem --version prints the library version.\n");
}

static const command *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(name, commands[i].name) == 0)
            return &commands[i];
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_usage(stderr);
        return AMEM_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 ||
        (strcmp(name, "help") == 0 && argc == 2)) {
        print_usage(stdout);
        return AMEM_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0) {
        printf("amem (libassocmem) %s\n", amem_version_string());
        return AMEM_EXIT_OK;
    }
    char help_option[] = "--help";
    char *help_argv[] = {argv[0], argc > 2 ? argv[2] : NULL, help_option, NULL};
    if (strcmp(name, "help") == 0 && argc == 3) { /* amem help CMD */
        name = argv[2];
        argv = help_argv;
        argc = 3;
    }
    const command *cmd = find_command(name);
    if (cmd == NULL) {
        fprintf(stderr, "amem: unknown command '%s'\n", name);
        fprintf(stderr, "Try 'amem --help'.\n");
        return AMEM_EXIT_USAGE;
    }
    /* getopt_long prints argv[0] in its messages: "amem store: ..." */
    char program[32];
    snprintf(program, sizeof program, "amem %s", cmd->name);
    cli_command = cmd->name;
    argv[1] = program;
    return cmd->run(argc - 1, argv + 1);
}
