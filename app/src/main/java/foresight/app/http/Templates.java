package foresight.app.http;

import gg.jte.Content;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Renders the pages' jte templates ({@code app/src/main/jte}, compiled to classes at build time, every
 * {@code ${...}} HTML-escaped) into a response. Thread-safe; one per server.
 */
final class Templates {
    private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

    /** Renders {@code name} (for example {@code "qa/call.jte"}) with the given parameters as the response's HTML. */
    void render(Context ctx, String name, Object... params) {
        ctx.html(render(name, params));
    }

    /** The template's HTML; {@code params} are name, value pairs. */
    String render(String name, Object... params) {
        StringOutput out = new StringOutput();
        engine.render(name, model(name, params), out);
        return out.toString();
    }

    /** The template as content another template embeds (rendered, and so escaped, by its own rules). */
    Content content(String name, Object... params) {
        Map<String, Object> model = model(name, params);
        return out -> engine.render(name, model, out);
    }

    private static Map<String, Object> model(String name, Object... params) {
        if (params.length % 2 != 0) throw new IllegalArgumentException("template " + name + ": parameters come in name, value pairs");
        Map<String, Object> model = new LinkedHashMap<>();
        for (int i = 0; i < params.length; i += 2) model.put((String) params[i], params[i + 1]);
        return model;
    }

    /** A page with a title and one sentence (errors, refusals). */
    void message(Context ctx, String area, String title, String message) {
        render(ctx, "message.jte", "title", title, "area", area, "message", message);
    }
}
