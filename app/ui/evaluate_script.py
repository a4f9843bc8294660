"""The Evaluate page as Streamlit runs it: `st.navigation` executes this file inside the frame
that `app.ui.page` drew in the same run. A page file rather than a function, because AppTest
can open only page files (`AppTest.switch_page`); the page itself is `app.ui.evaluate_page`."""

from app.ui.evaluate_page import evaluate_page
from app.ui.page import current_frame

evaluate_page(current_frame())
