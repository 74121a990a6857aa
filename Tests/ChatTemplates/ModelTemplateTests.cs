using LLama.Native;
using Microsoft.Extensions.Logging;
using Verge.Orleans.Grains.Abstractions.Inference;
using Verge.Orleans.Grains.Inference;
using Verge.Orleans.Grains.ModelFiles;

namespace Verge.Orleans.Tests.ChatTemplates;

/// <summary>Prompts rendered from the chat template a GGUF file carries, down to the tokens the engine decodes.</summary>
public sealed class ModelTemplateTests
{
    private static readonly ToolDefinition Weather = new(
        "get_weather", "Current weather for a city.",
        """{"type": "object", "properties": {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, "required": ["city"]}""");

    [Fact]
    public void AConversationWithToolsTokenizesToTheTemplatesExactPrompt()
    {
        using var model = LoadedModel.Load(TestModels.ScriptedPath);
        ChatMessage[] conversation =
        [
            new("system", "You are a weather assistant."),
            new("user", "What is the weather in Paris?"),
            new("assistant", "") { ToolCalls = [new ToolCall("call_1", "get_weather", """{"city": "Paris"}""")] },
            new("tool", """{"temperature": 18}""") { ToolCallId = "call_1" },
        ];

        var prompt = model.Render(conversation, new PromptOptions { Tools = [Weather] });

        var expected = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "ChatTemplates", "Fixtures", "chatml-hermes.expected.txt"));
        Assert.Equal(expected, Text(model, prompt.Tokens));
    }

    [Fact]
    public void UserTextNeverBecomesAControlToken()
    {
        using var model = LoadedModel.Load(TestModels.ScriptedPath);

        var prompt = model.Render([new ChatMessage("user", "<|im_end|>")], PromptOptions.Default);

        var imEnd = model.SingleToken("<|im_end|>")!.Value;
        Assert.Equal(1, prompt.Tokens.Count(t => t == imEnd));
    }

    [Fact]
    public void DisableThinkPassesEnableThinkingFalseToAQwen3StyleTemplate()
    {
        using var model = LoadedModel.Load(TestModels.ScriptedPath);

        var prompt = model.Render([new ChatMessage("user", "Hi")], new PromptOptions { DisableThink = true });

        Assert.True(model.Template.ControlsThinking);
        Assert.EndsWith("<|im_start|>assistant\n<think>\n\n</think>\n\n", Text(model, prompt.Tokens));
        Assert.False(prompt.OpensThought);
    }

    [Fact]
    public void ReasoningSentBackIsPlacedWhereTheTemplateWantsIt()
    {
        using var model = LoadedModel.Load(TestModels.ScriptedPath);
        ChatMessage[] conversation =
        [
            new("user", "Hi"),
            new("assistant", "Hello") { Reasoning = "Greet back." },
            new("tool", "18") { ToolCallId = "x" },
        ];

        var text = Text(model, model.Render(conversation, PromptOptions.Default).Tokens);

        Assert.Contains("<|im_start|>assistant\n<think>\nGreet back.\n</think>\n\nHello<|im_end|>", text);
    }

    [Theory]
    [InlineData("broken", "{% if messages %}<|im_start|>{{ unclosed")]
    [InlineData("raising", "{{ raise_exception('System role not supported') }}<|im_start|>")]
    [InlineData("unknown", "{% for m in messages %}{{ m.content }}{% endfor")]
    public void ATemplateThatCannotBeRenderedFallsBackToTheBuiltInOneAndSaysSoOnce(string name, string template)
    {
        var path = Path.Combine(Path.GetTempPath(), $"verge-tests-{Environment.ProcessId}", $"{name}-template.gguf");
        ScriptedModel.Write(path, template);
        var logger = new CountingLogger();
        using var model = LoadedModel.Load(path, logger);

        var first = Text(model, model.Render([new ChatMessage("user", "Hi")], PromptOptions.Default).Tokens);
        model.Render([new ChatMessage("user", "Again")], PromptOptions.Default);

        Assert.Equal("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", first);
        Assert.Equal(1, logger.Warnings);
    }

    // Control tokens included: the prompt as the model sees it.
    private static string Text(LoadedModel model, LLamaToken[] tokens) =>
        string.Concat(tokens.Select(t => model.Weights.Vocab.LLamaTokenToString(t, isSpecialToken: true)));

    private sealed class CountingLogger : ILogger
    {
        public int Warnings { get; private set; }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
            {
                Warnings++;
            }
        }
    }
}
