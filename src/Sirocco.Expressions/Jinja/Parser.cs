namespace Sirocco.Expressions.Jinja;

/// <summary>
/// Recursive-descent parser following Jinja 3.1's grammar (precedence, tuples, filters, tests, statements).
/// Nesting is capped so that a hostile input fails with a syntax error instead of exhausting the stack.
/// </summary>
internal sealed class Parser
{
    /// <summary>Deepest nesting of expressions and blocks the parser accepts.</summary>
    public const int MaxNesting = 100;

    private readonly List<Token> _tokens;
    private readonly Stack<string> _endTokenStack = new();
    private int _index;
    private int _depth;

    private Parser(List<Token> tokens)
    {
        _tokens = tokens;
    }

    /// <summary>Parses a whole template.</summary>
    public static TemplateNode ParseTemplate(string source)
    {
        var parser = new Parser(Lexer.TokenizeTemplate(source));
        var body = parser.Subparse(null);
        return new TemplateNode(body);
    }

    /// <summary>Parses a bare expression, as <c>compile_expression</c> does; <paramref name="offset"/> shifts positions.</summary>
    public static Expr ParseExpression(string source, int offset = 0)
    {
        var parser = new Parser(Lexer.TokenizeExpression(source, offset));
        var expr = parser.ParseExpr(true);
        if (parser.Current.Type != TokenType.Eof)
        {
            throw new JinjaSyntaxError("chunk after expression", parser.Current.Position);
        }
        return expr;
    }

    private Token Current => _tokens[_index];

    private Token Look => _index + 1 < _tokens.Count ? _tokens[_index + 1] : _tokens[^1];

    private Token Next()
    {
        var t = _tokens[_index];
        if (_index < _tokens.Count - 1)
        {
            _index++;
        }
        return t;
    }

    private bool SkipOp(string op)
    {
        if (Current.IsOp(op))
        {
            Next();
            return true;
        }
        return false;
    }

    private bool SkipName(string name)
    {
        if (Current.IsName(name))
        {
            Next();
            return true;
        }
        return false;
    }

    private static JinjaSyntaxError Fail(string message, Token at) => new(message, at.Position);

    private Token ExpectOp(string op)
    {
        if (Current.IsOp(op))
        {
            return Next();
        }
        throw Expected($"'{op}'", op);
    }

    private Token ExpectType(TokenType type, string described)
    {
        if (Current.Type == type)
        {
            return Next();
        }
        throw Expected($"'{described}'", described);
    }

    private void ExpectName(string name)
    {
        if (!Current.IsName(name))
        {
            throw Expected($"'{name}'", name);
        }
        Next();
    }

    private JinjaSyntaxError Expected(string quoted, string bare)
    {
        if (Current.Type == TokenType.Eof)
        {
            return Fail($"unexpected end of template, expected {PyText.Repr(bare)}.", Current);
        }
        return Fail($"expected token {quoted}, got {PyText.Repr(Current.Describe())}", Current);
    }

    private void Enter()
    {
        if (++_depth > MaxNesting)
        {
            throw Fail("expression nested too deeply", Current);
        }
    }

    // ---------------------------------------------------------------- statements

    private List<Stmt> Subparse(string[]? endTokens)
    {
        var body = new List<Stmt>();
        while (Current.Type != TokenType.Eof)
        {
            var token = Current;
            switch (token.Type)
            {
                case TokenType.Data:
                    Next();
                    if (body.Count > 0 && body[^1] is DataStmt previous)
                    {
                        // text around a raw block is one piece of data
                        body[^1] = new DataStmt(previous.Text + token.Text) { Position = previous.Position };
                    }
                    else
                    {
                        body.Add(new DataStmt(token.Text) { Position = token.Position });
                    }
                    break;
                case TokenType.VariableBegin:
                    {
                        Next();
                        var value = ParseTuple(withCondExpr: true);
                        ExpectType(TokenType.VariableEnd, "end of print statement");
                        body.Add(new OutputStmt(value) { Position = token.Position });
                        break;
                    }
                case TokenType.BlockBegin:
                    {
                        Next();
                        if (endTokens != null && Current.Type == TokenType.Name && endTokens.Contains(Current.Text))
                        {
                            return body;
                        }
                        body.Add(ParseStatement());
                        ExpectType(TokenType.BlockEnd, "end of statement block");
                        break;
                    }
                default:
                    throw Fail("internal parser error", token);
            }
        }
        return body;
    }

    private Stmt ParseStatement()
    {
        var token = Current;
        if (token.Type != TokenType.Name)
        {
            throw Fail("tag name expected", token);
        }
        _endTokenStack.Push(token.Text);
        var popped = false;
        try
        {
            Enter();
            switch (token.Text)
            {
                case "if": return ParseIf();
                case "for": return ParseFor();
                case "set": return ParseSet();
                case "with": return ParseWith();
                case "macro": return ParseMacro();
                case "call": return ParseCallBlock();
                case "filter": return ParseFilterBlock();
                case "print":
                    {
                        Next();
                        return new OutputStmt(ParseTuple(withCondExpr: true)) { Position = token.Position };
                    }
                case "block":
                case "extends":
                case "include":
                case "import":
                case "from":
                case "autoescape":
                    throw Fail($"not supported: the '{token.Text}' tag in Mistral expressions", token);
                default:
                    _endTokenStack.Pop();
                    popped = true;
                    throw UnknownTag(token);
            }
        }
        finally
        {
            _depth--;
            if (!popped)
            {
                _endTokenStack.Pop();
            }
        }
    }

    private JinjaSyntaxError UnknownTag(Token token)
    {
        var message = $"Encountered unknown tag '{token.Text}'.";
        return Fail(message + LookingFor(), token);
    }

    private string LookingFor()
    {
        if (_endTokenStack.Count == 0 || _currentEndTokens == null)
        {
            return string.Empty;
        }
        var expected = string.Join(" or ", _currentEndTokens.Select(t => $"'{t}'"));
        return $" Jinja was looking for the following tags: {expected}. The innermost block that needs to be closed is '{_endTokenStack.Peek()}'.";
    }

    private string[]? _currentEndTokens;

    private List<Stmt> ParseStatements(string[] endTokens, bool dropNeedle = false)
    {
        SkipOp(":");
        ExpectType(TokenType.BlockEnd, "end of statement block");
        var saved = _currentEndTokens;
        _currentEndTokens = endTokens;
        List<Stmt> result;
        try
        {
            result = Subparse(endTokens);
        }
        finally
        {
            _currentEndTokens = saved;
        }
        if (Current.Type == TokenType.Eof)
        {
            var expected = string.Join(" or ", endTokens.Select(t => $"'{t}'"));
            throw Fail($"Unexpected end of template. Jinja was looking for the following tags: {expected}. The innermost block that needs to be closed is '{_endTokenStack.Peek()}'.", Current);
        }
        if (dropNeedle)
        {
            Next();
        }
        return result;
    }

    private IfStmt ParseIf()
    {
        var start = ExpectNameToken("if");
        var test = ParseTuple(withCondExpr: false);
        var body = ParseStatements(["elif", "else", "endif"]);
        var elifs = new List<(Expr, List<Stmt>)>();
        var otherwise = new List<Stmt>();
        while (true)
        {
            var token = Next();
            if (token.IsName("elif"))
            {
                var t = ParseTuple(withCondExpr: false);
                elifs.Add((t, ParseStatements(["elif", "else", "endif"])));
                continue;
            }
            if (token.IsName("else"))
            {
                otherwise = ParseStatements(["endif"], dropNeedle: true);
            }
            break;
        }
        return new IfStmt(test, body, elifs, otherwise) { Position = start.Position };
    }

    private Token ExpectNameToken(string name)
    {
        var t = Current;
        ExpectName(name);
        return t;
    }

    private ForStmt ParseFor()
    {
        var start = ExpectNameToken("for");
        var target = ParseAssignTarget(withTuple: true, extraEnd: t => t.IsName("in"));
        ExpectName("in");
        var iter = ParseTuple(withCondExpr: false, extraEnd: t => t.IsName("recursive"));
        Expr? filter = null;
        if (SkipName("if"))
        {
            filter = ParseExpr(true);
        }
        var recursive = SkipName("recursive");
        var body = ParseStatements(["endfor", "else"]);
        var otherwise = new List<Stmt>();
        if (!Next().IsName("endfor"))
        {
            otherwise = ParseStatements(["endfor"], dropNeedle: true);
        }
        return new ForStmt(target, iter, body, otherwise, filter, recursive) { Position = start.Position };
    }

    private Stmt ParseSet()
    {
        var start = ExpectNameToken("set");
        var target = ParseAssignTarget(withTuple: true, withNamespace: true);
        if (SkipOp("="))
        {
            var value = ParseTuple(withCondExpr: true);
            return new SetStmt(target, value) { Position = start.Position };
        }
        FilterExpr? filter = null;
        if (Current.IsOp("|"))
        {
            filter = ParseFilterChain(null, startInline: false) as FilterExpr;
        }
        var body = ParseStatements(["endset"], dropNeedle: true);
        return new SetBlockStmt(target, filter, body) { Position = start.Position };
    }

    private WithStmt ParseWith()
    {
        var start = ExpectNameToken("with");
        var assignments = new List<(Expr, Expr)>();
        while (Current.Type != TokenType.BlockEnd)
        {
            if (assignments.Count > 0)
            {
                ExpectOp(",");
            }
            var target = ParseAssignTarget(withTuple: true);
            ExpectOp("=");
            assignments.Add((target, ParseExpr(true)));
        }
        var body = ParseStatements(["endwith"], dropNeedle: true);
        return new WithStmt(assignments, body) { Position = start.Position };
    }

    private MacroStmt ParseMacro()
    {
        var start = ExpectNameToken("macro");
        var name = ParseAssignTarget(nameOnly: true);
        var (parameters, defaults) = ParseSignature();
        var body = ParseStatements(["endmacro"], dropNeedle: true);
        return new MacroStmt(((NameExpr)name).Name, parameters, defaults, body) { Position = start.Position };
    }

    private CallBlockStmt ParseCallBlock()
    {
        var start = ExpectNameToken("call");
        List<string> parameters = [];
        List<Expr> defaults = [];
        if (Current.IsOp("("))
        {
            (parameters, defaults) = ParseSignature();
        }
        var callExpr = ParseExpr(true);
        if (callExpr is not CallExpr call)
        {
            throw Fail("expected call", start);
        }
        var body = ParseStatements(["endcall"], dropNeedle: true);
        return new CallBlockStmt(call, parameters, defaults, body) { Position = start.Position };
    }

    private FilterBlockStmt ParseFilterBlock()
    {
        var start = ExpectNameToken("filter");
        var filter = (FilterExpr)ParseFilterChain(null, startInline: true)!;
        var body = ParseStatements(["endfilter"], dropNeedle: true);
        return new FilterBlockStmt(filter, body) { Position = start.Position };
    }

    private (List<string> Parameters, List<Expr> Defaults) ParseSignature()
    {
        var parameters = new List<string>();
        var defaults = new List<Expr>();
        ExpectOp("(");
        while (!Current.IsOp(")"))
        {
            if (parameters.Count > 0)
            {
                ExpectOp(",");
            }
            var arg = (NameExpr)ParseAssignTarget(nameOnly: true);
            if (SkipOp("="))
            {
                defaults.Add(ParseExpr(true));
            }
            else if (defaults.Count > 0)
            {
                throw Fail("non-default argument follows default argument", Current);
            }
            parameters.Add(arg.Name);
        }
        ExpectOp(")");
        return (parameters, defaults);
    }

    private Expr ParseAssignTarget(bool withTuple = true, bool nameOnly = false, Func<Token, bool>? extraEnd = null, bool withNamespace = false)
    {
        var start = Current;
        Expr target;
        if (withNamespace && Look.IsOp(".") && Current.Type == TokenType.Name)
        {
            var ns = Next();
            Next();
            var attr = ExpectType(TokenType.Name, "name");
            return new NamespaceRefExpr(ns.Text, attr.Text) { Position = ns.Position };
        }
        if (nameOnly)
        {
            var name = ExpectType(TokenType.Name, "name");
            target = new NameExpr(name.Text) { Position = name.Position };
        }
        else if (withTuple)
        {
            target = ParseTuple(withCondExpr: true, simplified: true, extraEnd: extraEnd);
        }
        else
        {
            target = ParsePrimary();
        }
        CheckAssignable(target, start);
        return target;
    }

    private static void CheckAssignable(Expr target, Token start)
    {
        switch (target)
        {
            case NameExpr n when n.Name is "true" or "false" or "none" or "True" or "False" or "None":
                throw Fail($"can't assign to 'const'", start);
            case NameExpr:
                return;
            case TupleExpr t:
                foreach (var item in t.Items)
                {
                    CheckAssignable(item, start);
                }
                return;
            default:
                throw Fail($"can't assign to '{NodeTypeName(target)}'", start);
        }
    }

    private static string NodeTypeName(Expr e) => e switch
    {
        ConstExpr => "const",
        ListExpr => "list",
        DictExpr => "dict",
        GetAttrExpr => "getattr",
        GetItemExpr => "getitem",
        CallExpr => "call",
        FilterExpr => "filter",
        TestExpr => "test",
        _ => "expression",
    };

    // ---------------------------------------------------------------- expressions

    private Expr ParseExpr(bool withCondExpr)
    {
        Enter();
        try
        {
            return withCondExpr ? ParseCondExpr() : ParseOr();
        }
        finally
        {
            _depth--;
        }
    }

    private Expr ParseCondExpr()
    {
        var start = Current.Position;
        var expr1 = ParseOr();
        while (SkipName("if"))
        {
            var test = ParseOr();
            Expr? otherwise = null;
            if (SkipName("else"))
            {
                Enter();
                try
                {
                    otherwise = ParseCondExpr();
                }
                finally
                {
                    _depth--;
                }
            }
            expr1 = new CondExpr(test, expr1, otherwise) { Position = start };
        }
        return expr1;
    }

    private Expr ParseOr()
    {
        var start = Current.Position;
        var left = ParseAnd();
        while (SkipName("or"))
        {
            left = new BinaryExpr("or", left, ParseAnd()) { Position = start };
        }
        return left;
    }

    private Expr ParseAnd()
    {
        var start = Current.Position;
        var left = ParseNot();
        while (SkipName("and"))
        {
            left = new BinaryExpr("and", left, ParseNot()) { Position = start };
        }
        return left;
    }

    private Expr ParseNot()
    {
        if (Current.IsName("not"))
        {
            var t = Next();
            Enter();
            try
            {
                return new UnaryExpr("not", ParseNot()) { Position = t.Position };
            }
            finally
            {
                _depth--;
            }
        }
        return ParseCompare();
    }

    private Expr ParseCompare()
    {
        var start = Current.Position;
        var expr = ParseMath1();
        var ops = new List<(string, Expr)>();
        while (true)
        {
            var t = Current;
            string? op = t.Type == TokenType.Operator ? t.Text switch
            {
                "==" => "eq",
                "!=" => "ne",
                "<" => "lt",
                "<=" => "lteq",
                ">" => "gt",
                ">=" => "gteq",
                _ => null,
            } : null;
            if (op != null)
            {
                Next();
                ops.Add((op, ParseMath1()));
            }
            else if (SkipName("in"))
            {
                ops.Add(("in", ParseMath1()));
            }
            else if (t.IsName("not") && Look.IsName("in"))
            {
                Next();
                Next();
                ops.Add(("notin", ParseMath1()));
            }
            else
            {
                break;
            }
        }
        return ops.Count == 0 ? expr : new CompareExpr(expr, ops) { Position = start };
    }

    private Expr ParseMath1()
    {
        var start = Current.Position;
        var left = ParseConcat();
        while (Current.IsOp("+") || Current.IsOp("-"))
        {
            var op = Next().Text;
            left = new BinaryExpr(op, left, ParseConcat()) { Position = start };
        }
        return left;
    }

    private Expr ParseConcat()
    {
        var start = Current.Position;
        var first = ParseMath2();
        if (!Current.IsOp("~"))
        {
            return first;
        }
        var items = new List<Expr> { first };
        while (SkipOp("~"))
        {
            items.Add(ParseMath2());
        }
        return new ConcatExpr(items) { Position = start };
    }

    private Expr ParseMath2()
    {
        var start = Current.Position;
        var left = ParsePow();
        while (Current.IsOp("*") || Current.IsOp("/") || Current.IsOp("//") || Current.IsOp("%"))
        {
            var op = Next().Text;
            left = new BinaryExpr(op, left, ParsePow()) { Position = start };
        }
        return left;
    }

    private Expr ParsePow()
    {
        var start = Current.Position;
        var left = ParseUnary(true);
        while (SkipOp("**"))
        {
            left = new BinaryExpr("**", left, ParseUnary(true)) { Position = start };
        }
        return left;
    }

    private Expr ParseUnary(bool withFilter)
    {
        Enter();
        try
        {
            var t = Current;
            Expr node;
            if (t.IsOp("-"))
            {
                Next();
                node = new UnaryExpr("neg", ParseUnary(false)) { Position = t.Position };
            }
            else if (t.IsOp("+"))
            {
                Next();
                node = new UnaryExpr("pos", ParseUnary(false)) { Position = t.Position };
            }
            else
            {
                node = ParsePrimary();
            }
            node = ParsePostfix(node);
            if (withFilter)
            {
                node = ParseFilterExpr(node);
            }
            return node;
        }
        finally
        {
            _depth--;
        }
    }

    private Expr ParsePrimary()
    {
        var t = Current;
        switch (t.Type)
        {
            case TokenType.Name:
                Next();
                return t.Text switch
                {
                    "true" or "True" => new ConstExpr(true) { Position = t.Position },
                    "false" or "False" => new ConstExpr(false) { Position = t.Position },
                    "none" or "None" => new ConstExpr(null) { Position = t.Position },
                    _ => new NameExpr(t.Text) { Position = t.Position },
                };
            case TokenType.String:
                {
                    Next();
                    var text = (string)t.Value!;
                    while (Current.Type == TokenType.String)
                    {
                        text += (string)Next().Value!;
                    }
                    return new ConstExpr(text) { Position = t.Position };
                }
            case TokenType.Integer:
            case TokenType.Float:
                Next();
                return new ConstExpr(t.Value) { Position = t.Position };
            case TokenType.Operator when t.Text == "(":
                {
                    Next();
                    Enter();
                    try
                    {
                        var node = ParseTuple(withCondExpr: true, explicitParentheses: true);
                        ExpectOp(")");
                        return node;
                    }
                    finally
                    {
                        _depth--;
                    }
                }
            case TokenType.Operator when t.Text == "[":
                return ParseList();
            case TokenType.Operator when t.Text == "{":
                return ParseDict();
            default:
                throw Fail($"unexpected {PyText.Repr(t.Describe())}", t);
        }
    }

    private bool IsTupleEnd(Func<Token, bool>? extraEnd)
    {
        var t = Current;
        if (t.Type is TokenType.VariableEnd or TokenType.BlockEnd || t.IsOp(")"))
        {
            return true;
        }
        return extraEnd != null && extraEnd(t);
    }

    private Expr ParseTuple(bool withCondExpr, bool simplified = false, Func<Token, bool>? extraEnd = null, bool explicitParentheses = false)
    {
        var start = Current;
        var items = new List<Expr>();
        var isTuple = false;
        while (true)
        {
            if (items.Count > 0)
            {
                ExpectOp(",");
            }
            if (IsTupleEnd(extraEnd))
            {
                break;
            }
            items.Add(simplified ? ParsePrimary() : ParseExpr(withCondExpr));
            if (Current.IsOp(","))
            {
                isTuple = true;
            }
            else
            {
                break;
            }
        }
        if (!isTuple)
        {
            if (items.Count > 0)
            {
                return items[0];
            }
            if (!explicitParentheses)
            {
                throw Fail($"Expected an expression, got {PyText.Repr(Current.Describe())}", Current);
            }
        }
        return new TupleExpr(items) { Position = start.Position };
    }

    private ListExpr ParseList()
    {
        var start = ExpectOp("[");
        Enter();
        try
        {
            var items = new List<Expr>();
            while (!Current.IsOp("]"))
            {
                if (items.Count > 0)
                {
                    ExpectOp(",");
                }
                if (Current.IsOp("]"))
                {
                    break;
                }
                items.Add(ParseExpr(true));
            }
            ExpectOp("]");
            return new ListExpr(items) { Position = start.Position };
        }
        finally
        {
            _depth--;
        }
    }

    private DictExpr ParseDict()
    {
        var start = ExpectOp("{");
        Enter();
        try
        {
            var items = new List<(Expr, Expr)>();
            while (!Current.IsOp("}"))
            {
                if (items.Count > 0)
                {
                    ExpectOp(",");
                }
                if (Current.IsOp("}"))
                {
                    break;
                }
                var key = ParseExpr(true);
                ExpectOp(":");
                items.Add((key, ParseExpr(true)));
            }
            ExpectOp("}");
            return new DictExpr(items) { Position = start.Position };
        }
        finally
        {
            _depth--;
        }
    }

    private Expr ParsePostfix(Expr node)
    {
        var chain = 0;
        while (true)
        {
            if (Current.IsOp(".") || Current.IsOp("["))
            {
                node = ParseSubscript(node);
            }
            else if (Current.IsOp("("))
            {
                node = new CallExpr(node, ParseCallArgs()) { Position = node.Position };
            }
            else
            {
                return node;
            }
            if (++chain > MaxNesting * 10)
            {
                throw Fail("expression nested too deeply", Current);
            }
        }
    }

    private Expr ParseFilterExpr(Expr node)
    {
        var chain = 0;
        while (true)
        {
            if (Current.IsOp("|"))
            {
                node = ParseFilterChain(node, startInline: false)!;
            }
            else if (Current.IsName("is"))
            {
                node = ParseTest(node);
            }
            else if (Current.IsOp("("))
            {
                node = new CallExpr(node, ParseCallArgs()) { Position = node.Position };
            }
            else
            {
                return node;
            }
            if (++chain > MaxNesting * 10)
            {
                throw Fail("expression nested too deeply", Current);
            }
        }
    }

    private Expr ParseSubscript(Expr node)
    {
        var token = Next();
        if (token.IsOp("."))
        {
            var attr = Next();
            if (attr.Type == TokenType.Name)
            {
                return new GetAttrExpr(node, attr.Text) { Position = node.Position };
            }
            if (attr.Type != TokenType.Integer)
            {
                throw Fail("expected name or number", attr);
            }
            return new GetItemExpr(node, new ConstExpr(attr.Value) { Position = attr.Position }) { Position = node.Position };
        }
        Enter();
        try
        {
            var args = new List<Expr>();
            while (!Current.IsOp("]"))
            {
                if (args.Count > 0)
                {
                    ExpectOp(",");
                }
                args.Add(ParseSubscribed());
            }
            ExpectOp("]");
            var index = args.Count == 1 ? args[0] : new TupleExpr(args) { Position = token.Position };
            return new GetItemExpr(node, index) { Position = node.Position };
        }
        finally
        {
            _depth--;
        }
    }

    private Expr ParseSubscribed()
    {
        var start = Current.Position;
        var parts = new List<Expr?>();
        if (Current.IsOp(":"))
        {
            Next();
            parts.Add(null);
        }
        else
        {
            var node = ParseExpr(true);
            if (!Current.IsOp(":"))
            {
                return node;
            }
            Next();
            parts.Add(node);
        }
        if (Current.IsOp(":"))
        {
            parts.Add(null);
        }
        else if (!Current.IsOp("]") && !Current.IsOp(","))
        {
            parts.Add(ParseExpr(true));
        }
        else
        {
            parts.Add(null);
        }
        if (Current.IsOp(":"))
        {
            Next();
            parts.Add(!Current.IsOp("]") && !Current.IsOp(",") ? ParseExpr(true) : null);
        }
        else
        {
            parts.Add(null);
        }
        return new SliceExpr(parts[0], parts[1], parts[2]) { Position = start };
    }

    private CallArgs ParseCallArgs()
    {
        var start = ExpectOp("(");
        Enter();
        try
        {
            var args = new List<Expr>();
            var kwargs = new List<(string, Expr)>();
            Expr? dynArgs = null;
            Expr? dynKwargs = null;
            var requireComma = false;
            void Ensure(bool ok)
            {
                if (!ok)
                {
                    throw Fail("invalid syntax for function call expression", start);
                }
            }
            while (!Current.IsOp(")"))
            {
                if (requireComma)
                {
                    ExpectOp(",");
                    if (Current.IsOp(")"))
                    {
                        break;
                    }
                }
                if (Current.IsOp("*"))
                {
                    Ensure(dynArgs == null && dynKwargs == null);
                    Next();
                    dynArgs = ParseExpr(true);
                }
                else if (Current.IsOp("**"))
                {
                    Ensure(dynKwargs == null);
                    Next();
                    dynKwargs = ParseExpr(true);
                }
                else if (Current.Type == TokenType.Name && Look.IsOp("="))
                {
                    Ensure(dynKwargs == null);
                    var key = Next().Text;
                    Next();
                    kwargs.Add((key, ParseExpr(true)));
                }
                else
                {
                    Ensure(dynArgs == null && dynKwargs == null && kwargs.Count == 0);
                    args.Add(ParseExpr(true));
                }
                requireComma = true;
            }
            ExpectOp(")");
            return new CallArgs { Args = args, Kwargs = kwargs, DynArgs = dynArgs, DynKwargs = dynKwargs };
        }
        finally
        {
            _depth--;
        }
    }

    private string ParseDottedName()
    {
        var name = ExpectType(TokenType.Name, "name").Text;
        while (Current.IsOp("."))
        {
            Next();
            name += "." + ExpectType(TokenType.Name, "name").Text;
        }
        return name;
    }

    private Expr? ParseFilterChain(Expr? node, bool startInline)
    {
        while (Current.IsOp("|") || startInline)
        {
            var start = Current.Position;
            if (!startInline)
            {
                Next();
            }
            var name = ParseDottedName();
            var hasParens = Current.IsOp("(");
            var args = hasParens ? ParseCallArgs() : CallArgs.Empty;
            node = new FilterExpr(node, name, args, hasParens) { Position = node?.Position ?? start };
            startInline = false;
        }
        return node;
    }

    private Expr ParseTest(Expr node)
    {
        var isToken = Next();
        var negated = SkipName("not");
        var name = ParseDottedName();
        CallArgs args;
        var t = Current;
        if (t.IsOp("("))
        {
            args = ParseCallArgs();
        }
        else if ((t.Type is TokenType.Name or TokenType.String or TokenType.Integer or TokenType.Float || t.IsOp("(") || t.IsOp("[") || t.IsOp("{"))
            && !t.IsName("else") && !t.IsName("or") && !t.IsName("and"))
        {
            if (t.IsName("is"))
            {
                throw Fail("You cannot chain multiple tests with is", t);
            }
            var arg = ParsePostfix(ParsePrimary());
            args = new CallArgs { Args = [arg] };
        }
        else
        {
            args = CallArgs.Empty;
        }
        Expr result = new TestExpr(node, name, args) { Position = node.Position };
        if (negated)
        {
            result = new UnaryExpr("not", result) { Position = isToken.Position };
        }
        return result;
    }
}
