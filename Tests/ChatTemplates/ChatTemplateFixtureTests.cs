using System.Text.Json;
using Verge.Orleans.Grains.ChatTemplates.Jinja;

namespace Verge.Orleans.Tests.ChatTemplates;

/// <summary>
/// Renders one tool-calling conversation through a template per model family and compares the prompt byte for byte
/// with the documented format of that family, kept next to the template as <c>*.expected.txt</c>.
/// </summary>
public sealed class ChatTemplateFixtureTests
{
    private const string ToolConversation = """
        {
          "messages": [
            {"role": "system", "content": "You are a weather assistant."},
            {"role": "user", "content": "What is the weather in Paris?"},
            {"role": "assistant", "content": "", "tool_calls": [
              {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris"}}}
            ]},
            {"role": "tool", "tool_call_id": "call_1", "content": "{\"temperature\": 18}"}
          ],
          "tools": [
            {"type": "function", "function": {
              "name": "get_weather",
              "description": "Current weather for a city.",
              "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
                "required": ["city"]
              }
            }}
          ],
          "add_generation_prompt": true
        }
        """;

    [Theory]
    [InlineData("chatml-hermes", "", "")]
    [InlineData("llama3", "<|begin_of_text|>", "<|eot_id|>")]
    [InlineData("mistral", "<s>", "</s>")]
    [InlineData("deepseek", "<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>")]
    [InlineData("gemma", "<bos>", "<eos>")]
    [InlineData("phi", "", "<|endoftext|>")]
    public void ToolConversationMatchesTheFamilyFormat(string family, string bos, string eos)
    {
        var variables = Variables(ToolConversation);
        variables["bos_token"] = bos;
        variables["eos_token"] = eos;
        variables["date_string"] = "26 Jul 2024";
        Assert.Equal(Expected(family), Template(family).Render(variables));
    }

    [Fact]
    public void ChatMlWithThinkingDisabledClosesAnEmptyThinkBlock()
    {
        var variables = Variables(ToolConversation);
        variables["enable_thinking"] = false;
        var expected = Expected("chatml-hermes") + "<think>\n\n</think>\n\n";
        Assert.Equal(expected, Template("chatml-hermes").Render(variables));
    }

    [Fact]
    public void ChatMlWithThinkingEnabledLeavesTheGenerationPromptOpen()
    {
        var variables = Variables(ToolConversation);
        variables["enable_thinking"] = true;
        Assert.Equal(Expected("chatml-hermes"), Template("chatml-hermes").Render(variables));
    }

    [Fact]
    public void ChatMlShowsReasoningOnlyAfterTheLastUserQuery()
    {
        const string conversation = """
            {
              "messages": [
                {"role": "user", "content": "Hi"},
                {"role": "assistant", "content": "Hello!", "reasoning_content": "A greeting."},
                {"role": "user", "content": "Weather in Paris?"},
                {"role": "assistant", "content": "", "reasoning_content": "I should call the tool.", "tool_calls": [
                  {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}}
                ]},
                {"role": "tool", "tool_call_id": "call_1", "content": "sunny"}
              ],
              "add_generation_prompt": true
            }
            """;
        const string expected = "<|im_start|>user\nHi<|im_end|>\n"
            + "<|im_start|>assistant\nHello!<|im_end|>\n"
            + "<|im_start|>user\nWeather in Paris?<|im_end|>\n"
            + "<|im_start|>assistant\n<think>\nI should call the tool.\n</think>\n\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call><|im_end|>\n"
            + "<|im_start|>user\n<tool_response>\nsunny\n</tool_response><|im_end|>\n"
            + "<|im_start|>assistant\n";
        Assert.Equal(expected, Template("chatml-hermes").Render(Variables(conversation)));
    }

    [Fact]
    public void ChatMlWithoutToolsIsPlainTurns()
    {
        const string conversation = """
            {
              "messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": "Name a colour."},
                {"role": "assistant", "content": "Blue.", "tool_calls": null},
                {"role": "user", "content": "Another?"}
              ],
              "add_generation_prompt": true
            }
            """;
        const string expected = "<|im_start|>system\nBe brief.<|im_end|>\n"
            + "<|im_start|>user\nName a colour.<|im_end|>\n"
            + "<|im_start|>assistant\nBlue.<|im_end|>\n"
            + "<|im_start|>user\nAnother?<|im_end|>\n"
            + "<|im_start|>assistant\n";
        Assert.Equal(expected, Template("chatml-hermes").Render(Variables(conversation)));
    }

    [Fact]
    public void ChatMlTemplateReadsThinkingAndToolsVariables()
    {
        var template = Template("chatml-hermes");
        Assert.True(template.References("enable_thinking"));
        Assert.True(template.References("tools"));
        Assert.False(Template("phi").References("enable_thinking"));
    }

    [Fact]
    public void GemmaRejectsTurnsThatDoNotAlternate()
    {
        var variables = Variables("""{"messages": [{"role": "user", "content": "a"}, {"role": "user", "content": "b"}]}""");
        var ex = Assert.Throws<JinjaException>(() => Template("gemma").Render(variables));
        Assert.Equal("Conversation roles must alternate user/model/user/model...", ex.Message);
    }

    private static Dictionary<string, object?> Variables(string json)
    {
        using var document = JsonDocument.Parse(json);
        var parsed = (IReadOnlyDictionary<string, object?>)JinjaValue.FromJson(document.RootElement)!;
        return parsed.ToDictionary(p => p.Key, p => p.Value);
    }

    private static JinjaTemplate Template(string family) => JinjaTemplate.Parse(File.ReadAllText(FixturePath(family + ".jinja")));

    private static string Expected(string family) => File.ReadAllText(FixturePath(family + ".expected.txt"));

    private static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "ChatTemplates", "Fixtures", name);
}
