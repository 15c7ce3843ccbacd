using System.Globalization;
using Fhir.Path.Types;

namespace Fhir.Path.Parsing;

/// <summary>
/// A precedence-climbing parser for the FHIRPath grammar (N1 as used by FHIR R4, plus the literals and
/// functions of FHIRPath 2.0 that the official tests use).
/// </summary>
internal sealed class Parser
{
    // Binding powers, loosest first, as in the grammar's order of alternatives.
    private const int ImpliesPower = 1;
    private const int OrPower = 2;
    private const int AndPower = 3;
    private const int MembershipPower = 4;
    private const int EqualityPower = 5;
    private const int InequalityPower = 6;
    private const int UnionPower = 7;
    private const int TypePower = 8;
    private const int AdditivePower = 9;
    private const int MultiplicativePower = 10;

    // Deeper nesting is refused: it guards the stack of the parser and of the compiled closures.
    private const int MaxDepth = 200;

    // The same for trees grown by loops (long operator and invocation chains).
    private const int MaxTreeDepth = 1000;

    private readonly string _text;
    private readonly List<Token> _tokens;
    private int _index;
    private int _depth;

    private Parser(string text)
    {
        _text = text;
        _tokens = Lexer.Tokenize(text);
    }

    private Token Current => _tokens[_index];

    private Token Peek(int ahead = 1) => _tokens[Math.Min(_index + ahead, _tokens.Count - 1)];

    public static Node Parse(string text)
    {
        var parser = new Parser(text);
        if (parser.Current.Kind == TokenKind.End)
        {
            throw parser.Error(parser.Current, "the expression is empty");
        }
        var node = parser.ParseExpression(0);
        if (parser.Current.Kind != TokenKind.End)
        {
            throw parser.Error(parser.Current, $"unexpected {parser.Current.Describe()}");
        }
        if (node.Depth > MaxTreeDepth)
        {
            throw new FhirPathException(FhirPathErrorKind.Syntax, $"the expression is nested more than {MaxTreeDepth} levels deep", text, 0);
        }
        return node;
    }

    private Node ParseExpression(int minPower)
    {
        if (++_depth > MaxDepth)
        {
            throw Error(Current, $"the expression is nested more than {MaxDepth} levels deep");
        }
        try
        {
            return ParseOperators(minPower);
        }
        finally
        {
            _depth--;
        }
    }

    private Node ParseOperators(int minPower)
    {
        var left = ParsePrefix();
        while (true)
        {
            var token = Current;
            var (op, power) = BinaryOperator(token);
            if (op is null || power < minPower)
            {
                return left;
            }
            _index++;
            if (op is "is" or "as")
            {
                left = new TypeOperatorNode(token.Position, op, left, ParseTypeSpecifier());
                continue;
            }
            if (Current.Kind == TokenKind.End)
            {
                throw Error(Current, $"'{op}' must be followed by an operand");
            }
            var right = ParseExpression(power + 1);
            left = new BinaryNode(token.Position, op, left, right);
        }
    }

    private static (string? Op, int Power) BinaryOperator(Token token)
    {
        if (token.Kind == TokenKind.Symbol)
        {
            return token.Text switch
            {
                "*" or "/" => (token.Text, MultiplicativePower),
                "+" or "-" or "&" => (token.Text, AdditivePower),
                "|" => (token.Text, UnionPower),
                "<" or "<=" or ">" or ">=" => (token.Text, InequalityPower),
                "=" or "~" or "!=" or "!~" => (token.Text, EqualityPower),
                _ => (null, 0),
            };
        }
        if (token.Kind == TokenKind.Identifier)
        {
            return token.Text switch
            {
                "div" or "mod" => (token.Text, MultiplicativePower),
                "is" or "as" => (token.Text, TypePower),
                "in" or "contains" => (token.Text, MembershipPower),
                "and" => (token.Text, AndPower),
                "or" or "xor" => (token.Text, OrPower),
                "implies" => (token.Text, ImpliesPower),
                _ => (null, 0),
            };
        }
        return (null, 0);
    }

    private Node ParsePrefix()
    {
        var token = Current;
        if (token.IsSymbol("+") || token.IsSymbol("-"))
        {
            _index++;
            if (Current.Kind == TokenKind.End)
            {
                throw Error(Current, $"'{token.Text}' must be followed by an operand");
            }
            // A polarity operator binds tighter than multiplication and looser than invocation and indexing.
            if (++_depth > MaxDepth)
            {
                throw Error(token, $"the expression is nested more than {MaxDepth} levels deep");
            }
            var operand = ParsePrefix();
            _depth--;
            return new UnaryNode(token.Position, token.Text, operand);
        }
        return ParsePostfix(ParseTerm());
    }

    private Node ParsePostfix(Node node)
    {
        while (true)
        {
            var token = Current;
            if (token.IsSymbol("."))
            {
                _index++;
                var name = Current;
                if (name.Kind is not (TokenKind.Identifier or TokenKind.DelimitedIdentifier))
                {
                    throw Error(name, $"expected a name or a function after '.', found {name.Describe()}");
                }
                _index++;
                if (Current.IsSymbol("("))
                {
                    node = new FunctionNode(name.Position, node, name.Text, ParseArguments());
                }
                else
                {
                    node = new MemberNode(name.Position, node, name.Text);
                }
            }
            else if (token.IsSymbol("["))
            {
                _index++;
                if (Current.IsSymbol("]"))
                {
                    throw Error(Current, "an indexer needs an index");
                }
                var index = ParseExpression(0);
                Expect("]");
                node = new IndexerNode(token.Position, node, index);
            }
            else
            {
                return node;
            }
        }
    }

    private Node ParseTerm()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Integer:
            case TokenKind.Long:
            case TokenKind.Decimal:
                _index++;
                return ParseNumberOrQuantity(token);
            case TokenKind.String:
                _index++;
                return new LiteralNode(token.Position, token.Text);
            case TokenKind.Date:
                _index++;
                return FhirPathDate.TryParse(token.Text, out var date)
                    ? new LiteralNode(token.Position, date!)
                    : throw Error(token, $"'@{token.Text}' is not a valid date");
            case TokenKind.DateTime:
                _index++;
                return FhirPathDateTime.TryParse(token.Text, out var dateTime)
                    ? new LiteralNode(token.Position, dateTime!)
                    : throw Error(token, $"'@{token.Text}' is not a valid date/time");
            case TokenKind.Time:
                _index++;
                return FhirPathTime.TryParse(token.Text, out var time)
                    ? new LiteralNode(token.Position, time!)
                    : throw Error(token, $"'@T{token.Text}' is not a valid time");
            case TokenKind.InvalidLiteral:
                _index++;
                return new InvalidLiteralNode(token.Position, token.Text, $"'{token.Text}' is not a valid time: a time cannot have a timezone");
            case TokenKind.Special:
                _index++;
                return new SpecialNode(token.Position, token.Text);
            case TokenKind.EnvironmentVariable:
                _index++;
                return new EnvironmentNode(token.Position, token.Text);
            case TokenKind.DelimitedIdentifier:
                _index++;
                return Current.IsSymbol("(")
                    ? new FunctionNode(token.Position, null, token.Text, ParseArguments())
                    : new IdentifierNode(token.Position, token.Text);
            case TokenKind.Identifier:
                return ParseIdentifierTerm(token);
            case TokenKind.Symbol when token.Text == "(":
            {
                _index++;
                if (Current.IsSymbol(")"))
                {
                    throw Error(Current, "empty parentheses");
                }
                var inner = ParseExpression(0);
                Expect(")");
                return inner;
            }
            case TokenKind.Symbol when token.Text == "{":
                _index++;
                Expect("}");
                return new EmptyNode(token.Position);
            case TokenKind.End:
                throw Error(token, "unexpected end of expression");
            default:
                throw Error(token, $"unexpected {token.Describe()}");
        }
    }

    private Node ParseIdentifierTerm(Token token)
    {
        _index++;
        switch (token.Text)
        {
            case "true":
                return new LiteralNode(token.Position, true);
            case "false":
                return new LiteralNode(token.Position, false);
            case "and" or "or" or "xor" or "implies" or "div" or "mod":
                throw Error(token, $"unexpected operator '{token.Text}'");
        }
        return Current.IsSymbol("(")
            ? new FunctionNode(token.Position, null, token.Text, ParseArguments())
            : new IdentifierNode(token.Position, token.Text);
    }

    private List<Node> ParseArguments()
    {
        Expect("(");
        var args = new List<Node>();
        if (Current.IsSymbol(")"))
        {
            _index++;
            return args;
        }
        while (true)
        {
            args.Add(ParseExpression(0));
            if (Current.IsSymbol(","))
            {
                _index++;
                continue;
            }
            Expect(")");
            return args;
        }
    }

    private Node ParseNumberOrQuantity(Token token)
    {
        object number;
        if (token.Kind == TokenKind.Decimal)
        {
            number = decimal.TryParse(token.Text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d)
                ? d
                : throw Error(token, $"'{token.Text}' is too large for a decimal");
        }
        else if (token.Kind == TokenKind.Long)
        {
            number = long.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var l)
                ? l
                : throw Error(token, $"'{token.Text}L' is too large for a long");
        }
        else if (int.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var i))
        {
            number = i;
        }
        else
        {
            number = long.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var big)
                ? big
                : throw Error(token, $"'{token.Text}' is too large for an integer");
        }
        var next = Current;
        if (token.Kind != TokenKind.Long && (next.Kind == TokenKind.String || (next.Kind == TokenKind.Identifier && FhirPathQuantity.IsCalendarUnit(next.Text))))
        {
            _index++;
            var value = number switch
            {
                int n => n,
                long n => n,
                _ => (decimal)number,
            };
            return new LiteralNode(token.Position, new FhirPathQuantity(value, next.Text));
        }
        return new LiteralNode(token.Position, number);
    }

    private TypeName ParseTypeSpecifier()
    {
        var first = Current;
        if (first.Kind is not (TokenKind.Identifier or TokenKind.DelimitedIdentifier))
        {
            throw Error(first, $"expected a type name, found {first.Describe()}");
        }
        _index++;
        if (Current.IsSymbol(".") && Peek().Kind is TokenKind.Identifier or TokenKind.DelimitedIdentifier)
        {
            _index++;
            var second = Current;
            _index++;
            return new TypeName(first.Text, second.Text, first.Position);
        }
        return new TypeName(null, first.Text, first.Position);
    }

    private void Expect(string symbol)
    {
        if (!Current.IsSymbol(symbol))
        {
            throw Error(Current, $"expected '{symbol}' but found {Current.Describe()}");
        }
        _index++;
    }

    private FhirPathException Error(Token at, string message) => new(FhirPathErrorKind.Syntax, message, _text, at.Position);
}
