namespace Sirocco.Expressions.Yaql;

/// <summary>
/// A Pratt parser equivalent to yaql 2.0's LALR grammar under Mistral's settings (keyword operator <c>=&gt;</c>, no delegates).
/// Binding powers, tightest first: <c>. ?.</c> &gt; <c>[]</c> &gt; unary <c>+ -</c> &gt; <c>=~ !~</c> &gt; <c>* / mod</c> &gt;
/// <c>+ -</c> &gt; comparisons and <c>in</c> &gt; <c>not</c> &gt; <c>and</c> &gt; <c>or</c> &gt; <c>-&gt;</c> (right-associative);
/// <c>=&gt;</c> binds loosest and exists only inside argument lists.
/// </summary>
public sealed class Parser
{
    /// <summary>Deepest nesting accepted (yaql's own parser would hit Python's recursion limit).</summary>
    public const int MaxNesting = 200;

    private readonly string _text;
    private int _position;
    private Token? _peeked;
    private int _depth;

    private Parser(string text)
    {
        _text = text;
    }

    /// <summary>Parses one YAQL expression.</summary>
    /// <exception cref="YaqlParseException">a lexical or grammar error, with yaql's message.</exception>
    public static YaqlNode Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new Parser(text);
        var node = parser.Expression(0);
        if (parser.Peek.Kind != TokenKind.End)
        {
            throw parser.Unexpected();
        }
        return node;
    }

    /// <summary>Binding power of a binary operator (0 when the text is not one).</summary>
    public static int BinaryPower(string op) => op switch
    {
        "." or "?." => 11,
        "=~" or "!~" => 8,
        "*" or "/" or "mod" => 7,
        "+" or "-" => 6,
        ">" or "<" or ">=" or "<=" or "!=" or "=" or "in" => 5,
        "and" => 3,
        "or" => 2,
        "->" => 1,
        _ => 0,
    };

    /// <summary>Binding power of the indexer <c>[]</c>.</summary>
    public const int IndexerPower = 10;

    /// <summary>Binding power of a prefix operator.</summary>
    public static int PrefixPower(string op) => op == "not" ? 4 : 9;

    // Tokens are read on demand, as yaql's parser pulls them from its lexer: an unexpected token is reported
    // before a lexical error further on.
    private Token Peek => _peeked ??= Lexer.NextToken(_text, ref _position);

    private Token Advance()
    {
        var t = Peek;
        _peeked = null;
        return t;
    }

    private YaqlParseException Unexpected() => YaqlParseException.Grammar(_text, Peek);

    private YaqlNode Expression(int minPower)
    {
        if (++_depth > MaxNesting)
        {
            throw YaqlParseException.Grammar(_text, Peek);
        }
        var left = Prefix();
        while (true)
        {
            var t = Peek;
            if (t.Kind == TokenKind.Operator)
            {
                var power = BinaryPower(t.Text);
                if (power == 0 || power <= minPower)
                {
                    break;
                }
                Advance();
                // '->' is right-associative: its right side may hold another '->'.
                var right = Expression(t.Text == "->" ? power - 1 : power);
                left = new BinaryNode(t.Text, left, right, t.Position);
            }
            else if (t.Kind == TokenKind.Indexer && IndexerPower > minPower)
            {
                Advance();
                var args = Arguments("]");
                left = new IndexNode(left, args, t.Position);
            }
            else
            {
                break;
            }
        }
        _depth--;
        return left;
    }

    private YaqlNode Prefix()
    {
        var t = Peek;
        switch (t.Kind)
        {
            case TokenKind.Number:
            case TokenKind.String:
            case TokenKind.Literal:
                Advance();
                return new ConstantNode(t.Value, t.Position);
            case TokenKind.Keyword:
                Advance();
                return new KeywordNode(t.Text, t.Position);
            case TokenKind.Dollar:
                Advance();
                return new DollarNode(t.Text[1..], t.Position);
            case TokenKind.Func:
                Advance();
                return new CallNode(t.Text, Arguments(")"), t.Position);
            case TokenKind.Indexer:
                Advance();
                return new ListNode(Arguments("]"), t.Position);
            case TokenKind.Map:
                Advance();
                return new MapNode(Arguments("}"), t.Position);
            case TokenKind.Punct when t.Text == "(":
                {
                    Advance();
                    var inner = Expression(0);
                    Expect(")");
                    return new WrapNode(inner, t.Position);
                }
            case TokenKind.Operator when t.Text is "-" or "+" or "not":
                {
                    Advance();
                    var operand = Expression(PrefixPower(t.Text));
                    return new UnaryNode(t.Text, operand, t.Position);
                }
            default:
                throw Unexpected();
        }
    }

    private void Expect(string punct)
    {
        if (Peek.Kind != TokenKind.Punct || Peek.Text != punct)
        {
            throw Unexpected();
        }
        Advance();
    }

    private bool IsPunct(string punct) => Peek.Kind == TokenKind.Punct && Peek.Text == punct;

    // yaql's args: positional slots (possibly empty, never the last one), then keyword slots "value => value".
    private List<YaqlNode> Arguments(string closer)
    {
        var args = new List<YaqlNode>();
        if (IsPunct(closer))
        {
            Advance();
            return args;
        }
        var named = false;
        var sawValue = false;
        while (true)
        {
            if (IsPunct(","))
            {
                if (named)
                {
                    throw Unexpected();
                }
                args.Add(new NoValueNode(Peek.Position));
                Advance();
                continue;
            }
            var start = Peek.Position;
            var value = Expression(0);
            if (Peek.Kind == TokenKind.Mapping)
            {
                if (!sawValue && args.Count > 0 && !named)
                {
                    // only skipped slots before: yaql's grammar has no rule for ", key => value"
                    throw Unexpected();
                }
                Advance();
                var target = Expression(0);
                args.Add(new MappingNode(value, target, start));
                named = true;
            }
            else
            {
                if (named)
                {
                    throw Unexpected();
                }
                args.Add(value);
                sawValue = true;
            }
            if (IsPunct(","))
            {
                Advance();
                if (IsPunct(closer))
                {
                    throw Unexpected();
                }
                continue;
            }
            if (IsPunct(closer))
            {
                Advance();
                return args;
            }
            throw Unexpected();
        }
    }
}
