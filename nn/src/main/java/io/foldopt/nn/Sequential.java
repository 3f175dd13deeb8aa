package io.foldopt.nn;

import io.foldopt.autodiff.Var;
import java.util.ArrayList;
import java.util.List;

/**
 * The composition {@code f = f_k ∘ ... ∘ f_1} of modules applied in order; its parameters are the
 * modules' parameters in order, and {@link #setTraining} reaches every module.
 */
public final class Sequential implements Layer {
    private final List<Layer> modules;

    /** @param modules {@code f_1, ..., f_k} */
    public Sequential(Layer... modules) {
        this.modules = List.of(modules);
    }

    @Override
    public Var forward(Var x) {
        Var y = x;
        for (Layer m : modules) {
            y = m.forward(y);
        }
        return y;
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>();
        for (Layer m : modules) {
            all.addAll(m.parameters());
        }
        return List.copyOf(all);
    }

    @Override
    public void setTraining(boolean training) {
        for (Layer m : modules) {
            m.setTraining(training);
        }
    }

    /** @return the modules, in order */
    public List<Layer> modules() {
        return modules;
    }
}
