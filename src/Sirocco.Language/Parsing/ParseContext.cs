using System.Numerics;
using Sirocco.Language.Yaml;
using Sirocco.Values;

namespace Sirocco.Language.Parsing;

/// <summary>
/// Collects errors while a document is read, and holds the schema checks shared by every spec
/// (their messages follow the wording of the jsonschema validation Mistral runs, prefixed
/// <c>Invalid DSL:</c> as Mistral prefixes them).
/// </summary>
internal sealed class ParseContext(Func<string, string?>? checkExpression)
{
    private readonly List<LanguageError> errors = [];

    public IReadOnlyList<LanguageError> Errors => errors;

    public void Fail(SourcePosition position, string message) => errors.Add(new LanguageError(position, message));

    public void Fail(YamlNode node, string message) => Fail(node.Position, message);

    public void Invalid(YamlNode node, string message) => Fail(node.Position, "Invalid DSL: " + message);

    public void ThrowIfFailed()
    {
        if (errors.Count > 0)
        {
            throw new LanguageException(errors.OrderBy(e => e.Position.Line).ThenBy(e => e.Position.Column).ToList());
        }
    }

    public static string Repr(YamlNode node) => Py.Repr(node.ToValue());

    // ---- expressions -------------------------------------------------------------------------

    /// <summary>Mistral's <c>validate_expr</c>: a string, or the direct string members of a list or map (not deeper).</summary>
    public void CheckExpressions(YamlNode? node)
    {
        switch (node)
        {
            case YamlScalar { Value: string s }:
                CheckExpression(s, node.Position);
                break;
            case YamlSequence seq:
                foreach (var item in seq.Items)
                {
                    if (item is YamlScalar { Value: string text })
                    {
                        CheckExpression(text, item.Position);
                    }
                }

                break;
            case YamlMapping map:
                foreach (var entry in map.Entries.Values)
                {
                    if (entry.Value is YamlScalar { Value: string text })
                    {
                        CheckExpression(text, entry.Value.Position);
                    }
                }

                break;
        }
    }

    /// <summary>Checks the string members of a map of already parsed values (inline parameters).</summary>
    public void CheckExpressions(OrderedDictionary<string, object?> values, SourcePosition position)
    {
        foreach (var value in values.Values)
        {
            if (value is string text)
            {
                CheckExpression(text, position);
            }
        }
    }

    public void CheckExpression(string text, SourcePosition position)
    {
        if (ExpressionSyntax.Validate(text, checkExpression) is { } error)
        {
            Fail(position, error);
        }
    }

    // ---- schema checks (each reports its own error and returns whether the node is valid) -----

    public static bool IsNonEmptyString(YamlNode? node) => node is YamlScalar { Value: string { Length: > 0 } };

    public static bool IsString(YamlNode? node) => node is YamlScalar { Value: string };

    public static bool IsInteger(object? value) =>
        value is long or BigInteger || (value is double d && double.IsFinite(d) && Math.Floor(d) == d);

    public static bool IsNonNegativeInteger(object? value) => value switch
    {
        long l => l >= 0,
        BigInteger b => b.Sign >= 0,
        double d => double.IsFinite(d) && Math.Floor(d) == d && d >= 0,
        _ => false,
    };

    public static bool IsWholeExpression(YamlNode? node) =>
        node is YamlScalar { Value: string s } && ExpressionSyntax.IsWholeExpression(s);

    public bool ExpectNonEmptyString(YamlNode node)
    {
        if (node is not YamlScalar { Value: string s })
        {
            Invalid(node, $"{Repr(node)} is not of type 'string'");
            return false;
        }

        if (s.Length == 0)
        {
            Invalid(node, "'' is too short");
            return false;
        }

        return true;
    }

    public bool ExpectMapping(YamlNode node, out YamlMapping map)
    {
        if (node is YamlMapping m)
        {
            map = m;
            return true;
        }

        map = null!;
        Invalid(node, $"{Repr(node)} is not of type 'object'");
        return false;
    }

    public bool ExpectNonEmptyMapping(YamlNode node, out YamlMapping map)
    {
        if (!ExpectMapping(node, out map))
        {
            return false;
        }

        if (map.Count == 0)
        {
            Invalid(node, "{} does not have enough properties");
            return false;
        }

        return true;
    }

    /// <summary>A non-empty list of unique non-empty strings (Mistral's UNIQUE_STRING_LIST).</summary>
    public bool ExpectUniqueStringList(YamlNode node, out List<string> values)
    {
        values = [];
        if (node is not YamlSequence seq)
        {
            Invalid(node, $"{Repr(node)} is not of type 'array'");
            return false;
        }

        if (seq.Items.Count == 0)
        {
            Invalid(node, "[] is too short");
            return false;
        }

        var ok = true;
        foreach (var item in seq.Items)
        {
            if (ExpectNonEmptyString(item))
            {
                values.Add((string)((YamlScalar)item).Value!);
            }
            else
            {
                ok = false;
            }
        }

        if (ok && values.Distinct(StringComparer.Ordinal).Count() != values.Count)
        {
            Invalid(node, $"{Repr(node)} has non-unique elements");
            return false;
        }

        return ok;
    }

    /// <summary>A non-empty string, or a list as <see cref="ExpectUniqueStringList"/> (with-items, requires).</summary>
    public bool ExpectStringOrUniqueStringList(YamlNode node, out List<string> values)
    {
        if (node is YamlScalar { Value: string s })
        {
            values = [s];
            if (s.Length == 0)
            {
                Invalid(node, "'' is not valid under any of the given schemas");
                return false;
            }

            return true;
        }

        if (node is YamlSequence)
        {
            return ExpectUniqueStringList(node, out values);
        }

        values = [];
        Invalid(node, $"{Repr(node)} is not valid under any of the given schemas");
        return false;
    }

    /// <summary>An expression string or an integer ≥ 0; returns the value (integers as long) or null when invalid.</summary>
    public bool ExpectExpressionOrNonNegativeInteger(YamlNode node, out object? value)
    {
        value = null;
        if (IsWholeExpression(node))
        {
            value = ((YamlScalar)node).Value;
            return true;
        }

        var raw = (node as YamlScalar)?.Value;
        if (IsNonNegativeInteger(raw))
        {
            value = raw is double d ? (object)(long)d : raw;
            return true;
        }

        Invalid(node, $"{Repr(node)} is not valid under any of the given schemas");
        return false;
    }

    /// <summary>An expression string or a boolean.</summary>
    public bool ExpectExpressionOrBoolean(YamlNode node, out object? value)
    {
        value = null;
        if (IsWholeExpression(node) || node is YamlScalar { Value: bool })
        {
            value = ((YamlScalar)node).Value;
            return true;
        }

        Invalid(node, $"{Repr(node)} is not valid under any of the given schemas");
        return false;
    }

    /// <summary>Keys outside <paramref name="allowed"/> are reported (Mistral: additionalProperties False).</summary>
    public bool RejectUnknownKeys(YamlMapping map, IReadOnlySet<string> allowed)
    {
        var unknown = map.Entries.Values.Where(e => !allowed.Contains(e.Key)).ToList();
        if (unknown.Count == 0)
        {
            return true;
        }

        var names = string.Join(", ", unknown.Select(e => Py.Repr(e.Key)));
        var verb = unknown.Count == 1 ? "was" : "were";
        Fail(unknown[0].KeyNode.Position, $"Invalid DSL: Additional properties are not allowed ({names} {verb} unexpected)");
        return false;
    }
}
