namespace Alignment.Optim;

/// <summary>One parameter as an optimizer sees it: its name, its update count and its state buffers.</summary>
internal sealed class OptimizerSlot(string name, Tensor parameter, ParameterGroup group, int bufferCount)
{
    public string Name { get; } = name;

    public Tensor Parameter { get; } = parameter;

    public ParameterGroup Group { get; } = group;

    /// <summary>How many updates this parameter has had (it is skipped while it has no gradient).</summary>
    public long Step { get; set; }

    /// <summary>The state buffers (moments, momentum), each [ElementCount], created on first use.</summary>
    public float[]?[] Buffers { get; } = new float[]?[bufferCount];

    /// <summary>The buffer at <paramref name="index"/>, created zeroed if absent.</summary>
    public float[] Buffer(int index) => Buffers[index] ??= new float[Parameter.ElementCount];

    /// <summary>Forgets the step count and buffers.</summary>
    public void Reset()
    {
        Step = 0;
        Array.Clear(Buffers);
    }
}
