package dev.octet.runtime.engine;

import dev.octet.runtime.kernels.Kernel;
import dev.octet.runtime.kernels.reference.Add;
import dev.octet.runtime.kernels.reference.AveragePool2D;
import dev.octet.runtime.kernels.reference.Concatenation;
import dev.octet.runtime.kernels.reference.Conv2D;
import dev.octet.runtime.kernels.reference.DepthwiseConv2D;
import dev.octet.runtime.kernels.reference.Dequantize;
import dev.octet.runtime.kernels.reference.FullyConnected;
import dev.octet.runtime.kernels.reference.HardSwish;
import dev.octet.runtime.kernels.reference.Int4Dispatch;
import dev.octet.runtime.kernels.reference.LeakyRelu;
import dev.octet.runtime.kernels.reference.Logistic;
import dev.octet.runtime.kernels.reference.MaxPool2D;
import dev.octet.runtime.kernels.reference.Mean;
import dev.octet.runtime.kernels.reference.Mul;
import dev.octet.runtime.kernels.reference.Pad;
import dev.octet.runtime.kernels.reference.Quantize;
import dev.octet.runtime.kernels.reference.Relu;
import dev.octet.runtime.kernels.reference.Relu6;
import dev.octet.runtime.kernels.reference.Reshape;
import dev.octet.runtime.kernels.reference.Softmax;
import dev.octet.runtime.kernels.reference.Sub;
import dev.octet.runtime.kernels.reference.Tanh;
import dev.octet.runtime.model.BuiltinOperator;
import java.util.EnumMap;
import java.util.Map;

/** The table of reference kernels behind {@link OpRegistry#reference()}. */
final class ReferenceKernels {
    static final OpRegistry REGISTRY = OpRegistry.of(table());

    private ReferenceKernels() {
    }

    private static Map<BuiltinOperator, Kernel> table() {
        EnumMap<BuiltinOperator, Kernel> t = new EnumMap<>(BuiltinOperator.class);
        // Int4Dispatch: Octet's int4 variant (INT4 weights) runs the int4 kernels, everything else the usual ones.
        t.put(BuiltinOperator.CONV_2D, Int4Dispatch.conv2D(new Conv2D()));
        t.put(BuiltinOperator.DEPTHWISE_CONV_2D, Int4Dispatch.depthwiseConv2D(new DepthwiseConv2D()));
        t.put(BuiltinOperator.FULLY_CONNECTED, Int4Dispatch.fullyConnected(new FullyConnected()));
        t.put(BuiltinOperator.AVERAGE_POOL_2D, new AveragePool2D());
        t.put(BuiltinOperator.MAX_POOL_2D, new MaxPool2D());
        t.put(BuiltinOperator.ADD, new Add());
        t.put(BuiltinOperator.SUB, new Sub());
        t.put(BuiltinOperator.MUL, new Mul());
        t.put(BuiltinOperator.SOFTMAX, new Softmax());
        t.put(BuiltinOperator.LOGISTIC, new Logistic());
        t.put(BuiltinOperator.TANH, new Tanh());
        t.put(BuiltinOperator.HARD_SWISH, new HardSwish());
        t.put(BuiltinOperator.LEAKY_RELU, new LeakyRelu());
        t.put(BuiltinOperator.RELU, new Relu());
        t.put(BuiltinOperator.RELU6, new Relu6());
        t.put(BuiltinOperator.CONCATENATION, new Concatenation());
        t.put(BuiltinOperator.PAD, new Pad());
        t.put(BuiltinOperator.MEAN, new Mean());
        t.put(BuiltinOperator.RESHAPE, new Reshape());
        t.put(BuiltinOperator.QUANTIZE, new Quantize());
        t.put(BuiltinOperator.DEQUANTIZE, new Dequantize());
        return t;
    }
}
