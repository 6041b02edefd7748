using Alignment.NN;

namespace Alignment.Tests.NN;

public class ModuleListTests
{
    [Fact]
    public void Add_RegistersChildrenByIndex()
    {
        var list = new ModuleList<Linear> { new Linear(2, 2), new Linear(2, 3, bias: false) };

        Assert.Equal(2, list.Count);
        Assert.Equal(3, list[1].OutFeatures);
        Assert.Equal(["0.weight", "0.bias", "1.weight"], list.NamedParameters().Select(p => p.Name));
        Assert.Equal([list[0], list[1]], list.ToArray());
    }
}
