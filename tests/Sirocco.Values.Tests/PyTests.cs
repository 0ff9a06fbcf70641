using Sirocco.Values;
using Xunit;

namespace Sirocco.Values.Tests;

public class PyTests
{
    [Theory]
    [InlineData(1.0, "1.0")]
    [InlineData(0.1, "0.1")]
    [InlineData(3.5, "3.5")]
    [InlineData(-0.5, "-0.5")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(1.5e-5, "1.5e-05")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    [InlineData(123456789012345678.0, "1.2345678901234568e+17")]
    [InlineData(0.0, "0.0")]
    public void Float_repr_matches_Python(double d, string expected) => Assert.Equal(expected, Py.FloatRepr(d));

    [Fact]
    public void Repr_of_nested_values_matches_Python()
    {
        var v = Json.Parse("""{"a": 1, "b": [true, null, "it's", 2.0], "c": {"d": "x"}}""");
        Assert.Equal("""{'a': 1, 'b': [True, None, "it's", 2.0], 'c': {'d': 'x'}}""", Py.Repr(v));
    }

    [Fact]
    public void Json_keeps_int_float_and_order()
    {
        var text = """{"z":1,"a":1.0,"big":123456789012345678901234567890,"l":[1,2.5]}""";
        var v = Json.Parse(text);
        Assert.Equal(text, Json.Serialize(v));
        Assert.IsType<long>(((OrderedDictionary<string, object?>)v!)["z"]);
        Assert.IsType<double>(((OrderedDictionary<string, object?>)v!)["a"]);
    }

    [Fact]
    public void Equality_follows_Python()
    {
        Assert.True(ValueEquality.AreEqual(1L, 1.0));
        Assert.True(ValueEquality.AreEqual(true, 1L));
        Assert.False(ValueEquality.AreEqual("1", 1L));
        Assert.True(ValueEquality.AreEqual(Json.Parse("""{"a":1,"b":2}"""), Json.Parse("""{"b":2,"a":1}""")));
    }
}
