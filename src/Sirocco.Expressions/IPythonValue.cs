using System.Text;

namespace Sirocco.Expressions;

/// <summary>
/// A run-time value of an expression language that the plain value model cannot express (a set, a tuple, a datetime,
/// a regex, ...). It knows how Python shows it and what Mistral stores for it.
/// </summary>
public interface IPythonValue
{
    /// <summary>Python's type name, as error messages show it.</summary>
    string PythonTypeName { get; }

    /// <summary>Appends Python's <c>repr()</c>.</summary>
    void AppendRepr(StringBuilder sb);

    /// <summary>Appends Python's <c>str()</c>.</summary>
    void AppendStr(StringBuilder sb);

    /// <summary>The value as Mistral stores it (<c>to_json_str</c>): sets/tuples become lists, datetimes ISO strings.</summary>
    object? ToStorable();
}
