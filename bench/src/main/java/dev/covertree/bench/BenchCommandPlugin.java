package dev.covertree.bench;

import dev.covertree.cli.CommandPlugin;

/** Registers {@code covertree bench} with the tool when this module is on the class path. */
public final class BenchCommandPlugin implements CommandPlugin {
    @Override
    public String name() {
        return "bench";
    }

    @Override
    public Object newCommand() {
        return new BenchCommand();
    }
}
