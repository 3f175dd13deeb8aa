// Run by the foldopt-it module after building and running this project: training must lower the loss.
def losses = new File(basedir, 'build.log').readLines()
        .findAll { it.startsWith('epoch') }
        .collect { Double.parseDouble((it =~ /loss ([0-9.eE+-]+)/)[0][1]) }
assert losses.size() >= 2 : 'the example printed no losses'
assert losses.last() < 0.5 * losses.first() : "loss did not fall: ${losses}"
