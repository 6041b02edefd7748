using Alignment.Models.Generation;

namespace Alignment.Models.Tests.Generation;

public class GenerationOptionsTests
{
    [Fact]
    public void Defaults_AreDocumentedValues()
    {
        var options = new GenerationOptions();
        Assert.Equal(32, options.MaxNewTokens);
        Assert.Equal(0, options.MinNewTokens);
        Assert.True(options.DoSample);
        Assert.Equal(1f, options.Temperature);
        Assert.Equal(0, options.TopK);
        Assert.Equal(1f, options.TopP);
        Assert.Empty(options.StopTokenIds);
        Assert.Null(options.PadTokenId);
        Assert.Equal(0, options.ResolvedPadTokenId);
        Assert.Equal(0UL, options.Seed);
        Assert.True(options.TransposeWeights);
        Assert.Equal(DecodeWeightPrecision.Float32, options.DecodeWeightPrecision);
        options.Validate();
    }

    [Fact]
    public void Validate_BFloat16DecodeWeights_NeedTheCopies_AndUnknownPrecisionsAreRejected()
    {
        new GenerationOptions { DecodeWeightPrecision = DecodeWeightPrecision.BFloat16 }.Validate();
        new GenerationOptions { DecodeWeightPrecision = DecodeWeightPrecision.Float32, TransposeWeights = false }.Validate();

        var withoutCopies = Assert.Throws<ArgumentException>(
            new GenerationOptions { DecodeWeightPrecision = DecodeWeightPrecision.BFloat16, TransposeWeights = false }.Validate);
        var unknown = Assert.Throws<ArgumentException>(new GenerationOptions { DecodeWeightPrecision = (DecodeWeightPrecision)7 }.Validate);

        Assert.Contains("DecodeWeightPrecision BFloat16 needs TransposeWeights = true", withoutCopies.Message);
        Assert.Contains("DecodeWeightPrecision must be Float32 or BFloat16 (got 7).", unknown.Message);
    }

    [Fact]
    public void ResolvedPadTokenId_PrefersPadThenFirstStop()
    {
        Assert.Equal(50256, new GenerationOptions { StopTokenIds = [50256, 13] }.ResolvedPadTokenId);
        Assert.Equal(7, new GenerationOptions { StopTokenIds = [50256], PadTokenId = 7 }.ResolvedPadTokenId);
    }

    [Fact]
    public void Validate_ReportsEveryProblemAtOnce()
    {
        var options = new GenerationOptions
        {
            MaxNewTokens = 0,
            MinNewTokens = -1,
            Temperature = 0f,
            TopK = -3,
            TopP = 1.5f,
            StopTokenIds = [2, -4],
            PadTokenId = -1,
        };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.StartsWith("Invalid generation options:", error.Message);
        Assert.Contains("MaxNewTokens must be greater than 0 (got 0).", error.Message);
        Assert.Contains("MinNewTokens must not be negative (got -1).", error.Message);
        Assert.Contains("Temperature must be finite and greater than 0 (got 0).", error.Message);
        Assert.Contains("TopK must not be negative; 0 turns it off (got -3).", error.Message);
        Assert.Contains("TopP must be in (0, 1]; 1 turns it off (got 1.5).", error.Message);
        Assert.Contains("StopTokenIds must not contain negative ids (got -4).", error.Message);
        Assert.Contains("PadTokenId must not be negative (got -1).", error.Message);
    }

    [Theory]
    [InlineData(float.NaN, 0.5f)]
    [InlineData(float.PositiveInfinity, 0.5f)]
    [InlineData(1f, 0f)]
    [InlineData(1f, float.NaN)]
    public void Validate_RejectsNonFiniteOrZeroSettings(float temperature, float topP)
    {
        var options = new GenerationOptions { Temperature = temperature, TopP = topP };
        Assert.Throws<ArgumentException>(options.Validate);
    }

    [Fact]
    public void Validate_MinNewTokensAboveMax_IsRejected()
    {
        var error = Assert.Throws<ArgumentException>(new GenerationOptions { MaxNewTokens = 4, MinNewTokens = 5 }.Validate);
        Assert.Contains("MinNewTokens (5) must not exceed MaxNewTokens (4).", error.Message);
    }
}
